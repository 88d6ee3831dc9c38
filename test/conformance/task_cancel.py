# Task cancellation: CancelledError is raised inside the coroutine at its await point (with the
# message given to cancel()); the task ends cancelled unless the coroutine suppresses it;
# cancelling() counts the requests and uncancel() takes one back; a task cancelled before its
# first step never runs its body; a task cancelling itself is cancelled at its next await.
import asyncio
from _support import b, describe


async def sleeper(name):
    print(name, 'sleeping')
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print(name, 'cancelled at its await:', describe(e))
        raise
    finally:
        print(name, 'finally')


async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print('stubborn suppresses the cancellation')
    await asyncio.sleep(0)
    return 'kept going'


async def resilient():
    for attempt in range(3):
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            print('resilient: cancelled on attempt', attempt, 'cancelling() =', asyncio.current_task().cancelling())
            asyncio.current_task().uncancel()
    return 'finished'


async def self_cancel():
    asyncio.current_task().cancel('by myself')
    print('self_cancel: still running until the next await')
    try:
        await asyncio.sleep(0)
    except asyncio.CancelledError as e:
        print('self_cancel: raised at the await:', describe(e))
        raise


async def main():
    t = asyncio.create_task(sleeper('t1'))
    await asyncio.sleep(0)
    print('cancel() ->', b(t.cancel('shutting down')))
    print('cancelling() ->', t.cancelling())
    print('done right after cancel()?', b(t.done()))
    try:
        await t
    except asyncio.CancelledError as e:
        print('awaiting t1 raised', describe(e))
    print('t1 cancelled()?', b(t.cancelled()))
    print('cancel() on a done task ->', b(t.cancel()))
    try:
        t.result()
    except asyncio.CancelledError as e:
        # expect-differ: cancel-message-kept: t1.result() raised CancelledError => t1.result() raised CancelledError: shutting down
        print('t1.result() raised', describe(e))

    t = asyncio.create_task(sleeper('t2'))
    t.cancel()
    t.cancel()
    print('cancelled twice before it ran; cancelling() ->', t.cancelling())
    try:
        await t
    except asyncio.CancelledError as e:
        print('t2 raised', describe(e), '(its body never ran)')

    t = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    t.cancel()
    print('stubborn returned', await t, 'cancelled()', b(t.cancelled()), 'cancelling()', t.cancelling())
    print('uncancel() ->', t.uncancel(), 'then', t.uncancel())

    t = asyncio.create_task(resilient())
    for _ in range(3):
        await asyncio.sleep(0)
        t.cancel()
    print('resilient returned', await t)

    t = asyncio.create_task(self_cancel())
    try:
        await t
    except asyncio.CancelledError as e:
        print('self_cancel task raised', describe(e))

    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    async def waits_on(f):
        await f

    t = asyncio.create_task(waits_on(fut))
    await asyncio.sleep(0)
    t.cancel()
    await asyncio.sleep(0)
    print('the future a cancelled task awaited is cancelled too:', b(fut.cancelled()))
    await asyncio.sleep(0)
    print('task cancelled:', b(t.cancelled()))

    inner = asyncio.create_task(sleeper('inner'))
    outer = asyncio.create_task(waits_on(inner))
    await asyncio.sleep(0)
    outer.cancel()
    try:
        await outer
    except asyncio.CancelledError:
        print('outer cancelled; inner cancelled too:', b(inner.cancelled()))


asyncio.run(main())
