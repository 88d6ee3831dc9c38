# gather: results in argument order whatever the completion order; the first exception goes to
# the awaiter while the other children keep running; return_exceptions puts exceptions (and
# CancelledError) in the list; cancelling the gather cancels every child; a cancelled child makes
# the gather raise CancelledError.
# timing-sensitive: jobs finish 10 ms apart and print as they finish; a stalled process can reorder them
import asyncio
from _support import b, describe


class Boom(Exception):
    pass


def show(results):
    return ', '.join(describe(r) if isinstance(r, BaseException) else str(r) for r in results)


async def job(name, delay, fail=False):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print('job', name, 'cancelled')
        raise
    if fail:
        print('job', name, 'fails')
        raise Boom(name)
    print('job', name, 'finished')
    return name


async def main():
    results = await asyncio.gather(job('slow', 0.03), job('fast', 0.01), job('mid', 0.02))
    print('results in argument order:', show(results))

    print('empty gather:', show(await asyncio.gather()))

    try:
        await asyncio.gather(job('ok', 0.01), job('bad', 0.02, fail=True), job('late', 0.2))
    except Boom as e:
        print('gather raised', describe(e))
    await asyncio.sleep(0.25)
    print('the other children kept running')

    results = await asyncio.gather(job('x', 0.01), job('y', 0.02, fail=True), return_exceptions=True)
    print('return_exceptions:', show(results))

    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    loop.call_later(0.01, fut.set_result, 'a future')
    t = asyncio.create_task(job('task', 0.02))
    print('futures and tasks, one twice:', show(await asyncio.gather(fut, t, t)))

    g = asyncio.gather(job('p', 1), job('q', 1))
    await asyncio.sleep(0.01)
    print('cancel the gather:', b(g.cancel()))
    try:
        await g
    except asyncio.CancelledError:
        print('gather cancelled:', b(g.cancelled()))

    victim = asyncio.create_task(job('victim', 1))
    other = asyncio.create_task(job('other', 0.1))
    g = asyncio.gather(victim, other)
    await asyncio.sleep(0.01)
    victim.cancel()
    try:
        await g
    except asyncio.CancelledError:
        print('a cancelled child makes the gather raise CancelledError')
    await other

    victim = asyncio.create_task(job('victim2', 1))
    g = asyncio.gather(victim, job('other2', 0.1), return_exceptions=True)
    await asyncio.sleep(0.01)
    victim.cancel()
    print('with return_exceptions:', show(await g))


asyncio.run(main())
