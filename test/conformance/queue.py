# Queue: FIFO; with maxsize, put() waits while the queue is full (backpressure); get_nowait()
# on an empty queue raises QueueEmpty and put_nowait() on a full one QueueFull; join() waits
# until task_done() was called for every item put; a cancelled get() loses no item.
import asyncio
from _support import b, describe


async def producer(queue, count):
    for i in range(count):
        await queue.put(i)
        print('put', i, 'qsize', queue.qsize())
    print('producer done')


async def consumer(queue, count):
    for _ in range(count):
        await asyncio.sleep(0.01)
        item = await queue.get()
        print('got', item)


async def worker(queue, name):
    while True:
        item = await queue.get()
        await asyncio.sleep(item / 20)
        print(name, 'handled', item)
        queue.task_done()


async def main():
    queue = asyncio.Queue()
    print('empty', b(queue.empty()), 'full', b(queue.full()), 'maxsize', queue.maxsize)
    for item in ('x', 'y', 'z'):
        queue.put_nowait(item)
    print('FIFO:', queue.get_nowait(), queue.get_nowait(), await queue.get())
    try:
        queue.get_nowait()
    except asyncio.QueueEmpty as e:
        print('get_nowait on empty:', describe(e))

    bounded = asyncio.Queue(maxsize=2)
    await asyncio.gather(producer(bounded, 5), consumer(bounded, 5))

    small = asyncio.Queue(maxsize=2)
    small.put_nowait('a')
    small.put_nowait('b')
    print('full', b(small.full()))
    try:
        small.put_nowait('c')
    except asyncio.QueueFull as e:
        print('put_nowait on full:', describe(e))
    small.get_nowait()
    small.get_nowait()

    work = asyncio.Queue()
    for item in (4, 1, 2):
        work.put_nowait(item)
    workers = [asyncio.create_task(worker(work, name)) for name in ('w1', 'w2')]
    await work.join()
    print('join returned: every item is done')
    for w in workers:
        w.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    try:
        work.task_done()
    except ValueError as e:
        print('task_done too often:', describe(e))

    q = asyncio.Queue()
    getter = asyncio.create_task(q.get())
    await asyncio.sleep(0)
    getter.cancel()
    await asyncio.sleep(0)
    q.put_nowait('kept')
    print('after a cancelled get(): qsize', q.qsize(), 'item', await q.get())


asyncio.run(main())
