# Errors nobody handles go to the loop's exception handler, and the loop goes on: an exception
# raised by a callback ("Exception in callback ..."), and a task's exception that nobody
# retrieved ("Task exception was never retrieved"). CPython reports the latter when the task is
# garbage-collected, Coroscope at the latest when the loop closes: both have reported it by the
# time run() returns (see unretrieved-timing in DIFFERENCES.md).
import asyncio
import gc
from _support import describe


class Boom(Exception):
    pass


reports = []


def handler(loop, context):
    message = context['message']
    for known in ('Exception in callback', 'Task exception was never retrieved'):
        if message.startswith(known):
            message = known
    reports.append(message + ' - ' + describe(context['exception']))


def bad_callback():
    raise Boom('in a callback')


async def fail():
    raise Boom('nobody looked')


async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(handler)
    loop.call_soon(bad_callback)
    loop.call_soon(print, 'the next callback still runs')
    await asyncio.sleep(0)
    print('the loop goes on; reports:', len(reports))

    asyncio.create_task(fail())
    await asyncio.sleep(0.05)
    gc.collect()
    await asyncio.sleep(0)
    # expect-differ: unretrieved-timing: main ends; reports: 2 => main ends; reports: 1
    print('main ends; reports:', len(reports))


asyncio.run(main())
for report in reports:
    print('reported:', report)
