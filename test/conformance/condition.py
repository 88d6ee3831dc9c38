# Condition: wait() releases the lock and reacquires it before returning; notify(n) wakes the
# first n waiters in order, notify_all() the rest; wait_for(predicate) waits until the
# predicate holds; notify() without holding the lock is a RuntimeError.
import asyncio
from _support import b, describe


async def waiter(cond, name):
    async with cond:
        print(name, 'waits')
        result = await cond.wait()
        print(name, 'woke up with', b(result), 'holding the lock:', b(cond.locked()))


async def main():
    cond = asyncio.Condition()
    tasks = [asyncio.create_task(waiter(cond, name)) for name in ('w1', 'w2', 'w3', 'w4')]
    await asyncio.sleep(0)
    async with cond:
        print('notify(1)')
        cond.notify(1)
        print('nobody runs while the notifier holds the lock')
    await asyncio.sleep(0.01)
    async with cond:
        print('notify(2)')
        cond.notify(2)
    await asyncio.sleep(0.01)
    async with cond:
        print('notify_all()')
        cond.notify_all()
    await asyncio.gather(*tasks)

    items = []

    async def consumer():
        async with cond:
            result = await cond.wait_for(lambda: len(items) >= 2)
            print('consumer sees', len(items), 'items; wait_for returned', b(result))

    t = asyncio.create_task(consumer())
    for item in ('x', 'y'):
        await asyncio.sleep(0.01)
        async with cond:
            items.append(item)
            print('produced', item)
            cond.notify()
    await t

    try:
        cond.notify()
    except RuntimeError as e:
        print('notify without the lock:', describe(e))


asyncio.run(main())
