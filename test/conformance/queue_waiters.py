# Queue waiters: blocked getters are served in the order they waited, blocked putters too (with
# maxsize); a cancelled put() puts nothing and a cancelled get() takes nothing; put_nowait() and
# get_nowait() wake the next waiter on the other side.
import asyncio
from _support import b


async def getter(queue, name):
    item = await queue.get()
    print(name, 'got', item)


async def putter(queue, name, item):
    await queue.put(item)
    print(name, 'put', item)


async def main():
    queue = asyncio.Queue()
    getters = [asyncio.create_task(getter(queue, 'g' + str(i))) for i in range(3)]
    await asyncio.sleep(0)
    for item in ('x', 'y', 'z'):
        queue.put_nowait(item)
    print('three items put; qsize', queue.qsize())
    await asyncio.gather(*getters)

    queue = asyncio.Queue(maxsize=1)
    queue.put_nowait('first')
    putters = [asyncio.create_task(putter(queue, 'p' + str(i), 'item' + str(i))) for i in range(3)]
    await asyncio.sleep(0)
    putters[1].cancel()
    for _ in range(3):
        print('got', await queue.get(), '- full', b(queue.full()))
        await asyncio.sleep(0)
    await asyncio.gather(*putters, return_exceptions=True)
    print('the cancelled putter put nothing; qsize', queue.qsize())

    queue = asyncio.Queue()
    g1 = asyncio.create_task(getter(queue, 'cancelled getter'))
    g2 = asyncio.create_task(getter(queue, 'second getter'))
    await asyncio.sleep(0)
    g1.cancel()
    queue.put_nowait('only item')
    await asyncio.gather(g1, g2, return_exceptions=True)
    print('the item went to the second getter; qsize', queue.qsize())


asyncio.run(main())
