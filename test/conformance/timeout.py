# timeout / timeout_at: the body is cancelled at the deadline and the cancellation turns into
# TimeoutError at the end of the block; expired() says whether it fired; reschedule() moves or
# removes the deadline; a deadline already past cancels at the first await; nested timeouts
# report the one that fired.
import asyncio
from _support import b, describe


async def main():
    loop = asyncio.get_running_loop()

    try:
        async with asyncio.timeout(0.02) as cm:
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                print('the body sees CancelledError')
                raise
    except TimeoutError as e:
        print('outside the block:', describe(e), 'expired', b(cm.expired()))
    print('cancelling() after the timeout:', asyncio.current_task().cancelling())

    async with asyncio.timeout(0.5) as cm:
        await asyncio.sleep(0.01)
    print('finished in time; expired', b(cm.expired()))

    async with asyncio.timeout(None) as cm:
        print('timeout(None): no deadline:', b(cm.when() is None))
        await asyncio.sleep(0.01)
    print('no deadline; expired', b(cm.expired()))

    try:
        async with asyncio.timeout(None) as cm:
            cm.reschedule(loop.time() + 0.02)
            await asyncio.sleep(1)
    except TimeoutError:
        print('rescheduled from None: expired', b(cm.expired()))

    async with asyncio.timeout(0.02) as cm:
        cm.reschedule(None)
        await asyncio.sleep(0.04)
    print('deadline removed: expired', b(cm.expired()))

    async with asyncio.timeout(0.02) as cm:
        cm.reschedule(loop.time() + 0.5)
        await asyncio.sleep(0.04)
    print('deadline pushed back: expired', b(cm.expired()))

    try:
        async with asyncio.timeout_at(loop.time() + 0.02) as cm:
            await asyncio.sleep(1)
    except TimeoutError:
        print('timeout_at fired: expired', b(cm.expired()))

    try:
        async with asyncio.timeout(-1):
            print('a past deadline: the body starts')
            await asyncio.sleep(0)
            print('never printed')
    except TimeoutError:
        print('a past deadline: TimeoutError at the first await')

    try:
        async with asyncio.timeout(0.02) as outer:
            try:
                async with asyncio.timeout(0.5) as inner:
                    await asyncio.sleep(1)
            except TimeoutError:
                print('never printed: the inner timeout did not fire')
    except TimeoutError:
        print('nested: outer expired', b(outer.expired()), 'inner expired', b(inner.expired()))

    try:
        async with asyncio.timeout(0.5) as outer:
            try:
                async with asyncio.timeout(0.02) as inner:
                    await asyncio.sleep(1)
            except TimeoutError:
                print('nested: inner expired', b(inner.expired()), 'outer expired', b(outer.expired()))
            await asyncio.sleep(0.01)
        print('the outer block finished normally')
    except TimeoutError:
        print('never printed')

    cm = asyncio.timeout(1)
    async with cm:
        pass
    try:
        cm.reschedule(None)
    except RuntimeError as e:
        print('reschedule() after leaving:', type(e).__name__)


asyncio.run(main())
