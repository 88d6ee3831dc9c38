# Hand-off races of the primitives: a waiter that is woken (the lock or permit is handed to it)
# but cancelled before it runs must pass the lock on, not keep it or lose it; a Condition.wait()
# that is cancelled reacquires the lock before CancelledError leaves it.
import asyncio
from _support import b


async def take(primitive, name):
    try:
        await primitive.acquire()
    except asyncio.CancelledError:
        print(name, 'cancelled while waiting')
        raise
    print(name, 'acquired')
    await asyncio.sleep(0)
    primitive.release()
    print(name, 'released')


async def handoff(primitive, label):
    await primitive.acquire()
    a = asyncio.create_task(take(primitive, label + ' A'))
    c = asyncio.create_task(take(primitive, label + ' B'))
    await asyncio.sleep(0)
    primitive.release()
    a.cancel()
    await asyncio.gather(a, c, return_exceptions=True)
    print(label, 'free at the end:', b(not primitive.locked()))


async def main():
    await handoff(asyncio.Lock(), 'lock')
    await handoff(asyncio.Semaphore(1), 'semaphore')

    cond = asyncio.Condition()

    async def cond_waiter():
        async with cond:
            try:
                await cond.wait()
            except asyncio.CancelledError:
                print('cancelled wait: holds the lock again:', b(cond.locked()))
                raise

    t = asyncio.create_task(cond_waiter())
    await asyncio.sleep(0)
    async with cond:
        t.cancel()
        await asyncio.sleep(0)
        print('the waiter needs the lock back first; done?', b(t.done()))
    try:
        await t
    except asyncio.CancelledError:
        print('waiter cancelled; lock free:', b(not cond.locked()))

    lock = asyncio.Lock()
    await lock.acquire()
    waiters = [asyncio.create_task(take(lock, 'w' + str(i))) for i in range(3)]
    await asyncio.sleep(0)
    waiters[1].cancel()
    lock.release()
    await asyncio.gather(*waiters, return_exceptions=True)
    print('order kept around a cancelled waiter; free:', b(not lock.locked()))


asyncio.run(main())
