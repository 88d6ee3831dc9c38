# Lock: one holder at a time, waiters served first come first served (a task that releases and
# asks again queues behind the waiters); a waiter cancelled in the queue is skipped; releasing
# an unlocked lock is a RuntimeError.
import asyncio
from _support import b, describe


async def user(lock, name, rounds):
    for i in range(rounds):
        async with lock:
            print(name, 'holds the lock, round', i)
            await asyncio.sleep(0)
        print(name, 'released')


async def main():
    lock = asyncio.Lock()
    print('locked at start:', b(lock.locked()))
    tasks = [asyncio.create_task(user(lock, name, 2)) for name in ('a', 'b', 'c')]
    await asyncio.gather(*tasks)
    print('locked at the end:', b(lock.locked()))

    await lock.acquire()
    print('acquire() returns when held; locked:', b(lock.locked()))
    waiter = asyncio.create_task(lock.acquire())
    nxt = asyncio.create_task(user(lock, 'next', 1))
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.sleep(0)
    lock.release()
    await nxt
    print('the cancelled waiter was skipped:', b(waiter.cancelled()))

    try:
        lock.release()
    except RuntimeError as e:
        print('release unlocked:', describe(e))


asyncio.run(main())
