# wait: returns (done, pending) when the condition holds; FIRST_COMPLETED, FIRST_EXCEPTION,
# ALL_COMPLETED (the default); a timeout returns what is done so far and cancels nothing;
# an empty set is an error. Sets have no order, so names are printed sorted.
# timing-sensitive: tasks finish 10 ms apart and FIRST_COMPLETED/FIRST_EXCEPTION take the first; a stalled process can reorder them
import asyncio
from _support import b, describe


class Boom(Exception):
    pass


def names(tasks):
    return ' '.join(sorted(t.get_name() for t in tasks)) or '-'


async def job(delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise Boom('failed after ' + str(delay))
    return delay


def start(specs):
    return [asyncio.create_task(job(delay, fail), name=name) for name, delay, fail in specs]


async def main():
    tasks = start([('a', 0.2, False), ('b', 0.01, False), ('c', 0.1, False)])
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print('FIRST_COMPLETED done:', names(done), 'pending:', names(pending))
    done, pending = await asyncio.wait(pending)
    print('ALL_COMPLETED done:', names(done), 'pending:', names(pending))

    tasks = start([('a', 0.01, False), ('b', 0.02, True), ('c', 0.2, False)])
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    print('FIRST_EXCEPTION done:', names(done), 'pending:', names(pending))
    for t in sorted(done, key=lambda t: t.get_name()):
        print(' ', t.get_name(), describe(t.exception()) if t.exception() else t.result())
    await asyncio.wait(pending)

    tasks = start([('a', 0.01, False), ('b', 0.02, False)])
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    print('FIRST_EXCEPTION without one waits for all:', names(done), 'pending:', names(pending))

    tasks = start([('a', 0.01, False), ('b', 1, False)])
    done, pending = await asyncio.wait(tasks, timeout=0.05)
    print('timeout done:', names(done), 'pending:', names(pending))
    print('the pending task was not cancelled:', b(not tasks[1].cancelled() and not tasks[1].done()))
    tasks[1].cancel()

    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    fut.set_result('already')
    done, pending = await asyncio.wait([fut])
    print('a done future:', len(done), len(pending))

    try:
        await asyncio.wait([])
    except ValueError as e:
        print('empty:', describe(e))

    coro = job(0.01)
    try:
        await asyncio.wait([coro])
    except TypeError as e:
        print('coroutines:', describe(e))
    coro.close()


asyncio.run(main())
