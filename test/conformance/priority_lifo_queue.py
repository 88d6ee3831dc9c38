# PriorityQueue gives the smallest item first, LifoQueue the newest; both keep the Queue
# interface (maxsize, QueueFull, join/task_done) and wake waiting getters.
import asyncio
from _support import describe


async def main():
    pq = asyncio.PriorityQueue()
    for item in (5, 1, 4, 2, 3):
        pq.put_nowait(item)
    print('priority order:', ' '.join(str(pq.get_nowait()) for _ in range(5)))

    tuples = asyncio.PriorityQueue()
    for item in ((2, 'write'), (1, 'read'), (3, 'close'), (1, 'open')):
        tuples.put_nowait(item)
    print('tuples by priority then name:', ', '.join(tuples.get_nowait()[1] for _ in range(4)))

    lq = asyncio.LifoQueue(maxsize=3)
    for item in ('a', 'b', 'c'):
        await lq.put(item)
    try:
        lq.put_nowait('d')
    except asyncio.QueueFull as e:
        print('LifoQueue full:', describe(e))
    print('lifo order:', lq.get_nowait(), lq.get_nowait(), lq.get_nowait())

    async def getter(queue, name):
        print(name, 'got', await queue.get())
        queue.task_done()

    pq = asyncio.PriorityQueue()
    g = asyncio.create_task(getter(pq, 'priority getter'))
    await asyncio.sleep(0)
    print('putting into the priority queue')
    pq.put_nowait(7)
    await pq.join()
    print('priority queue joined')
    await g

    lq = asyncio.LifoQueue()
    g = asyncio.create_task(getter(lq, 'lifo getter'))
    await asyncio.sleep(0)
    print('putting into the lifo queue')
    await lq.put('z')
    await lq.join()
    print('lifo queue joined')
    await g


asyncio.run(main())
