# How timeouts, task groups, shield and outside cancellation compose: a timeout around a task
# group turns the group's cancellation into TimeoutError; a shielded task outlives the timeout
# around the shield; a timeout whose task is also cancelled by someone else lets CancelledError
# through (the cancel requests are counted); a coroutine that swallows the timeout's
# cancellation makes the block end normally.
import asyncio
from _support import b, describe


cancelled = []  # a task group cancels its children in no defined order: printed sorted


async def child(name, delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        cancelled.append(name)
        raise
    print(name, 'done')
    return name


async def main():
    loop = asyncio.get_running_loop()

    try:
        async with asyncio.timeout(0.02) as cm:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(child('g1', 1))
                tg.create_task(child('g2', 2))
    except TimeoutError as e:
        print('timeout around a task group:', describe(e), 'expired', b(cm.expired()))
        print('cancelled:', ' '.join(sorted(cancelled)))

    inner = asyncio.create_task(child('shielded', 0.1))
    try:
        async with asyncio.timeout(0.02):
            await asyncio.shield(inner)
    except TimeoutError:
        print('the shield timed out; inner cancelled?', b(inner.cancelled()))
    print('inner finished anyway:', await inner)

    async def doubly_cancelled():
        async with asyncio.timeout(10) as cm:
            asyncio.current_task().cancel()
            cm.reschedule(loop.time() - 1)
            try:
                await asyncio.sleep(1)
            finally:
                print('inside: expired', b(cm.expired()), 'cancelling()', asyncio.current_task().cancelling())

    t = asyncio.create_task(doubly_cancelled())
    try:
        await t
    except asyncio.CancelledError:
        print('cancelled from outside too: CancelledError, not TimeoutError')
    except TimeoutError:
        print('TimeoutError')

    async with asyncio.timeout(0.02) as cm:
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            print('swallowing the cancellation inside the block')
    print('the block ended normally; expired', b(cm.expired()), 'cancelling()', asyncio.current_task().cancelling())

    async def counts():
        task = asyncio.current_task()
        print('cancelling() before:', task.cancelling())
        try:
            async with asyncio.timeout(0.01):
                await asyncio.sleep(1)
        except TimeoutError:
            print('cancelling() after the timeout:', task.cancelling())
        task.cancel()
        try:
            await asyncio.sleep(0)
        except asyncio.CancelledError:
            print('cancelling() after an outside cancel:', task.cancelling(), 'uncancel() ->', task.uncancel())
        return 'counted'

    print(await asyncio.create_task(counts()))


asyncio.run(main())
