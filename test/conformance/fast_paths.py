# Awaits that do not suspend: acquiring a free Lock or Semaphore (or a Condition's lock), waiting
# on a set Event, putting into a non-full Queue and getting from a non-empty one. A callback
# queued just before such an await runs only at the next real suspension (the sleep(0) after).
# And a waiter woken by Event.set() returns True even if clear() came before it ran.
import asyncio
from _support import b


async def main():
    loop = asyncio.get_running_loop()

    async def check(label, aw):
        loop.call_soon(print, '  callback queued before', label)
        result = await aw
        print(label, 'did not suspend')
        await asyncio.sleep(0)
        return result

    lock = asyncio.Lock()
    await check('lock.acquire()', lock.acquire())
    lock.release()
    sem = asyncio.Semaphore(1)
    await check('sem.acquire()', sem.acquire())
    sem.release()
    event = asyncio.Event()
    event.set()
    await check('event.wait()', event.wait())
    queue = asyncio.Queue(maxsize=1)
    await check('queue.put()', queue.put('item'))
    print('got', await check('queue.get()', queue.get()))
    cond = asyncio.Condition()
    await check('cond.acquire()', cond.acquire())
    cond.release()

    event.clear()
    waiters = [asyncio.create_task(event.wait()) for _ in range(2)]
    await asyncio.sleep(0)
    event.set()
    event.clear()
    results = [await w for w in waiters]
    print('set() then clear() at once: the woken waiters return', b(results[0]), b(results[1]))


asyncio.run(main())
