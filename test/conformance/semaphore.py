# Semaphore: at most `value` holders, the others wait first come first served; locked() says
# whether acquire() would block; a plain Semaphore may be released above its start value, a
# BoundedSemaphore may not; a negative start value is an error.
# timing-sensitive: workers hold the semaphore 10 ms longer or shorter than each other; a stalled process can reorder them
import asyncio
from _support import b, describe


async def worker(sem, name, delay):
    async with sem:
        print(name, 'in')
        await asyncio.sleep(delay)
        print(name, 'out')


async def main():
    sem = asyncio.Semaphore(2)
    print('locked:', b(sem.locked()))
    tasks = [asyncio.create_task(worker(sem, name, delay))
             for name, delay in (('a', 0.02), ('b', 0.2), ('c', 0.01), ('d', 0.01))]
    await asyncio.sleep(0)
    print('two inside; locked:', b(sem.locked()))
    await asyncio.gather(*tasks)
    print('locked at the end:', b(sem.locked()))

    sem = asyncio.Semaphore(0)
    print('Semaphore(0) locked:', b(sem.locked()))
    sem.release()
    sem.release()
    print('released twice above 0; acquire:', b(await sem.acquire()), b(await sem.acquire()))

    bounded = asyncio.BoundedSemaphore(1)
    await bounded.acquire()
    bounded.release()
    try:
        bounded.release()
    except ValueError as e:
        print('bounded released too often:', describe(e))

    try:
        asyncio.Semaphore(-1)
    except ValueError as e:
        print('negative value:', describe(e))

    sem = asyncio.Semaphore(1)
    await sem.acquire()
    waiter = asyncio.create_task(sem.acquire())
    second = asyncio.create_task(worker(sem, 'second', 0))
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.sleep(0)
    sem.release()
    await second
    print('a cancelled waiter does not take the permit:', b(waiter.cancelled()))


asyncio.run(main())
