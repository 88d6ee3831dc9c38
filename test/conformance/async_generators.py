# Async generators on the loop: each await inside suspends the consuming task, so two consumers
# interleave; an error inside comes out of `async for`; aclose() runs the generator's finally.
# Leaving `async for` early closes the generator at once in Coroscope (JavaScript's for-await
# calls return()), later in CPython (its finalizer hook): see async-for-break in DIFFERENCES.md.
import asyncio
from _support import b, describe


class Boom(Exception):
    pass


closed = set()


async def ticker(name, n, fail_at=None, quiet=False):
    try:
        for i in range(n):
            await asyncio.sleep(0)
            if i == fail_at:
                raise Boom(f'{name} failed at {i}')
            yield f'{name}{i}'
    finally:
        closed.add(name)
        if not quiet:
            print(name, 'generator finally')


async def consume(name, n):
    async for item in ticker(name, n):
        print('got', item)
    return name


async def main():
    print('consumers done:', ' '.join(await asyncio.gather(consume('a', 3), consume('b', 2))))

    try:
        async for item in ticker('e', 3, fail_at=1):
            print('got', item)
    except Boom as e:
        print('async for raised', describe(e))

    gen = ticker('c', 5)
    print('first item:', await gen.__anext__())
    print('second item:', await gen.__anext__())
    await gen.aclose()
    print('after aclose(): closed', b('c' in closed))

    async for item in ticker('d', 5, quiet=True):
        print('got', item, '- breaking out')
        break
    # expect-differ: async-for-break: after break: closed false => after break: closed true
    print('after break: closed', b('d' in closed))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print('a moment later: closed', b('d' in closed))


asyncio.run(main())
