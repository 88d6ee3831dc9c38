# Who runs first when a future completes: its done callbacks and the tasks awaiting it are woken
# in the order they registered, all in the next iteration; a callback added while callbacks run
# still runs after them; awaiting a coroutine runs it inline (no iteration passes), awaiting a
# done future does not suspend, and a new task only starts on the next iteration.
import asyncio
from _support import b


async def waiter(fut, name):
    print(name, 'waits')
    value = await fut
    print(name, 'woke with', value)


async def inline(tag):
    print('inline coroutine runs', tag)
    return tag


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    fut.add_done_callback(lambda f: print('callback A'))
    t1 = asyncio.create_task(waiter(fut, 'task 1'))
    await asyncio.sleep(0)
    fut.add_done_callback(lambda f: print('callback B'))
    t2 = asyncio.create_task(waiter(fut, 'task 2'))
    await asyncio.sleep(0)

    def late(f):
        print('callback C adds D')
        f.add_done_callback(lambda f: print('callback D (added while done)'))

    fut.add_done_callback(late)
    loop.call_soon(print, 'call_soon before the result')
    fut.set_result('v')
    loop.call_soon(print, 'call_soon after the result')
    print('result set')
    await asyncio.gather(t1, t2)
    await asyncio.sleep(0)

    print('before awaiting a coroutine')
    loop.call_soon(print, 'a callback queued before the inline await')
    print('got', await inline('x'), '- no iteration passed')
    await asyncio.sleep(0)

    done = loop.create_future()
    done.set_result('ready')
    loop.call_soon(print, 'a callback queued before awaiting a done future')
    print('got', await done, '- no iteration passed')
    await asyncio.sleep(0)

    t = asyncio.create_task(inline('task'))
    print('task created; started?', b(t.done()))
    await asyncio.sleep(0)
    print('after one iteration: done?', b(t.done()))

    loop.call_soon(lambda: print('current_task() in a callback is None:', b(asyncio.current_task() is None)))
    await asyncio.sleep(0)


asyncio.run(main())
