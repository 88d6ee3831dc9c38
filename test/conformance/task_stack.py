# A task's repr says 'cancelling' from cancel() until it is done; get_stack() of a failed task gives
# the frames its exception unwound through (oldest first; limit keeps the oldest), of a task that
# returned or was cancelled none; of a suspended task, its frames (see the get-stack row).
import asyncio


async def inner():
    await asyncio.sleep(5)


async def outer():
    await inner()


async def failing():
    await asyncio.sleep(0)
    raise ValueError('boom')


async def caller():
    await failing()


def names(frames):
    return ' '.join(f.f_code.co_name for f in frames)


async def main():
    t = asyncio.create_task(outer())
    await asyncio.sleep(0)
    # expect-differ: get-stack: suspended stack: outer => suspended stack: outer inner sleep
    print('suspended stack:', names(t.get_stack()))
    print('suspended stack, limit 1:', len(t.get_stack(limit=1)))
    print('before cancel:', repr(t).split()[1])
    t.cancel()
    print('after cancel:', repr(t).split()[1])
    await asyncio.sleep(0)
    print('one step later:', repr(t).split()[1], 'done', 'true' if t.done() else 'false')
    try:
        await t
    except asyncio.CancelledError:
        pass
    print('when done:', repr(t).split()[1], 'stack', len(t.get_stack()))

    f = asyncio.create_task(caller())
    # Awaiting f would raise its exception through main too, adding main's frame to its traceback.
    await asyncio.wait([f])
    f.exception()
    print('failed task stack:', names(f.get_stack()))
    print('failed task stack, limit 1:', names(f.get_stack(limit=1)))
    print('failed task stack, limit 0:', len(f.get_stack(limit=0)))

    ok = asyncio.create_task(asyncio.sleep(0))
    await ok
    print('returned task stack:', len(ok.get_stack()))


asyncio.run(main())
