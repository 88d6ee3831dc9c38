# wait_for: the result when it completes in time; on timeout the inner awaitable is cancelled
# (and waited for) before TimeoutError is raised; cancelling the waiter cancels the inner
# task; timeout None waits forever.
import asyncio
from _support import b, describe


async def work(name, delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print(name, 'cancelled inside')
        raise
    finally:
        print(name, 'cleans up')
    return name + ' result'


async def main():
    print('in time:', await asyncio.wait_for(work('quick', 0.01), timeout=0.5))
    print('no timeout:', await asyncio.wait_for(work('unbounded', 0.01), timeout=None))

    try:
        await asyncio.wait_for(work('slow', 1), timeout=0.02)
    except asyncio.TimeoutError as e:
        print('timed out:', describe(e))

    t = asyncio.create_task(work('task', 1))
    try:
        await asyncio.wait_for(t, timeout=0.02)
    except TimeoutError as e:
        print('timed out on a task; task cancelled:', b(t.cancelled()))

    inner = asyncio.create_task(work('inner', 1))

    async def waiter():
        return await asyncio.wait_for(inner, timeout=0.5)

    w = asyncio.create_task(waiter())
    await asyncio.sleep(0.01)
    w.cancel()
    try:
        await w
    except asyncio.CancelledError:
        print('waiter cancelled; inner cancelled:', b(inner.cancelled()))

    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    fut.set_result('done already')
    print('done future:', await asyncio.wait_for(fut, timeout=0.01))


asyncio.run(main())
