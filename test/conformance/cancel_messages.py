# Where a cancel message goes: to the coroutine at its await point, through a task awaiting a
# task, through gather and shield, and what message the waiter finally sees; cancellations made
# by wait_for, timeout and TaskGroup carry no message.
import asyncio
from _support import describe


async def sleeper(name):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print(name, 'sees', describe(e))
        raise


async def waits_on(aw):
    return await aw


async def outcome(label, aw):
    try:
        await aw
    except asyncio.CancelledError as e:
        print(label, 'raised', describe(e))
    except TimeoutError as e:
        print(label, 'raised', describe(e))
    except ExceptionGroup as e:
        print(label, 'raised', type(e).__name__)


async def main():
    t = asyncio.create_task(sleeper('direct'))
    await asyncio.sleep(0)
    t.cancel('message 1')
    await outcome('direct task', t)

    inner = asyncio.create_task(sleeper('inner'))
    outer = asyncio.create_task(waits_on(inner))
    await asyncio.sleep(0)
    outer.cancel('message 2')
    await outcome('outer task', outer)

    g = asyncio.gather(sleeper('gathered 1'), sleeper('gathered 2'))
    await asyncio.sleep(0)
    g.cancel('message 3')
    await outcome('gather', g)

    inner = asyncio.create_task(sleeper('shielded'))
    outer = asyncio.create_task(waits_on(asyncio.shield(inner)))
    await asyncio.sleep(0)
    outer.cancel('message 4')
    await outcome('task awaiting a shield', outer)
    inner.cancel('message 5')
    await outcome('shielded task', inner)

    await outcome('wait_for', asyncio.wait_for(sleeper('wait_for inner'), 0.01))

    async def under_timeout():
        async with asyncio.timeout(0.01):
            await sleeper('timeout body')

    await outcome('timeout', under_timeout())

    async def group():
        async with asyncio.TaskGroup() as tg:
            tg.create_task(sleeper('group child'))
            await asyncio.sleep(0)
            raise ValueError('body fails')

    await outcome('task group', group())


asyncio.run(main())
