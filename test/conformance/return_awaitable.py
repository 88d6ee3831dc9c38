# An async function that returns an awaitable: asyncio hands the caller the coroutine object (or
# future) itself; Coroscope awaits it, as TypeScript's types say (see return-awaitable).
import asyncio


async def inner(n):
    await asyncio.sleep(0)
    return n * 2


async def returns_coroutine():
    return inner(21)


async def returns_future():
    return asyncio.ensure_future(inner(1))


async def main():
    got = await returns_coroutine()
    # expect-differ: return-awaitable: coroutine: True => coroutine: false
    print('coroutine:', asyncio.iscoroutine(got))
    if asyncio.iscoroutine(got):
        got = await got
    print('value:', got)
    fut = await returns_future()
    # expect-differ: return-awaitable: future: True => future: false
    print('future:', asyncio.isfuture(fut))
    if asyncio.isfuture(fut):
        fut = await fut
    print('value:', fut)


asyncio.run(main())
