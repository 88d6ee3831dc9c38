# sleep(0) is a coroutine a program can hold and close; iscoroutinefunction holds for async
# functions (and asyncio.sleep), not for plain functions, lambdas or async generator functions.
import asyncio
from _support import b, describe


async def compute():
    return 1


def plain():
    return 1


async def agen():
    yield 1


async def main():
    s = asyncio.sleep(0)
    print('iscoroutine(sleep(0)):', b(asyncio.iscoroutine(s)))
    s.close()
    try:
        await s
    except RuntimeError as e:
        print('awaiting a closed sleep(0):', describe(e))
    print('iscoroutinefunction(compute):', b(asyncio.iscoroutinefunction(compute)))
    print('iscoroutinefunction(sleep):', b(asyncio.iscoroutinefunction(asyncio.sleep)))
    print('iscoroutinefunction(plain):', b(asyncio.iscoroutinefunction(plain)))
    print('iscoroutinefunction(lambda):', b(asyncio.iscoroutinefunction(lambda: compute())))
    print('iscoroutinefunction(agen):', b(asyncio.iscoroutinefunction(agen)))
    c = compute()
    print('iscoroutine(compute()):', b(asyncio.iscoroutine(c)))
    print('result:', await c)


asyncio.run(main())
