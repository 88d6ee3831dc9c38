# Event: wait() blocks until set(); set() wakes every waiter (in the order they waited) and later
# waits return at once; clear() makes wait() block again; wait() returns True.
import asyncio
from _support import b


async def waiter(event, name):
    print(name, 'waits')
    result = await event.wait()
    print(name, 'woke up with', b(result))


async def main():
    event = asyncio.Event()
    print('is_set:', b(event.is_set()))
    tasks = [asyncio.create_task(waiter(event, name)) for name in ('w1', 'w2', 'w3')]
    await asyncio.sleep(0)
    print('setting the event')
    event.set()
    print('is_set:', b(event.is_set()), '- nobody has run yet')
    await asyncio.gather(*tasks)
    await waiter(event, 'late')
    event.set()
    print('set() twice is fine')

    event.clear()
    print('after clear() is_set:', b(event.is_set()))
    t = asyncio.create_task(waiter(event, 'again'))
    await asyncio.sleep(0.01)
    print('still waiting:', b(not t.done()))
    asyncio.get_running_loop().call_later(0.01, event.set)
    await t

    event.clear()
    t = asyncio.create_task(waiter(event, 'cancelled'))
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print('a cancelled wait raises CancelledError')


asyncio.run(main())
