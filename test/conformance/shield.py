# shield: cancelling the task that awaits shield(x) cancels only the waiting, not x, which runs
# on and can be awaited later; if x itself is cancelled or fails, the waiter sees that.
import asyncio
from _support import b, describe


class Boom(Exception):
    pass


async def inner(delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise Boom('inner failed')
    print('inner finished')
    return 'inner result'


async def main():
    inner_task = asyncio.create_task(inner(0.1))

    async def guarded():
        try:
            return await asyncio.shield(inner_task)
        except asyncio.CancelledError:
            print('guarded: cancelled while the inner task runs on')
            raise

    g = asyncio.create_task(guarded())
    await asyncio.sleep(0.01)
    g.cancel()
    try:
        await g
    except asyncio.CancelledError:
        print('guarded task cancelled:', b(g.cancelled()))
    print('inner cancelled?', b(inner_task.cancelled()), 'done?', b(inner_task.done()))
    print('awaited later:', await inner_task)

    print('shield of a coroutine:', await asyncio.shield(inner(0.01)))

    try:
        await asyncio.shield(inner(0.01, fail=True))
    except Boom as e:
        print('shield passes the error:', describe(e))

    victim = asyncio.create_task(inner(1))
    shielded = asyncio.shield(victim)
    await asyncio.sleep(0)
    victim.cancel()
    try:
        await shielded
    except asyncio.CancelledError:
        print('the inner task was cancelled, so is the shield:', b(shielded.cancelled()))


asyncio.run(main())
