# Tasks: default names Task-N (the main task is Task-1), set_name, current_task, all_tasks,
# result()/exception() of a finished task, an exception re-raised to whoever awaits the task,
# done callbacks on a task, and a task that awaits itself.
import asyncio
from _support import b, describe


class Boom(Exception):
    pass


async def add(x, y):
    await asyncio.sleep(0)
    return x + y


async def fail(message):
    await asyncio.sleep(0)
    raise Boom(message)


async def who_am_i():
    print('running in', asyncio.current_task().get_name())


async def main():
    print('main is', asyncio.current_task().get_name())
    t = asyncio.create_task(add(1, 2))
    print('created', t.get_name(), 'done', b(t.done()))
    named = asyncio.create_task(who_am_i(), name='worker')
    print('tasks alive:', len(asyncio.all_tasks()))
    print('add ->', await t, 'done', b(t.done()), 'result()', t.result())
    await named
    named.set_name('renamed')
    print('renamed to', named.get_name())
    print('tasks alive:', len(asyncio.all_tasks()))

    t = asyncio.create_task(fail('from a task'))
    t.add_done_callback(lambda task: print('done callback: exception is', describe(task.exception())))
    try:
        await t
    except Boom as e:
        print('await re-raises', describe(e), 'same object:', b(e is t.exception()))
    try:
        t.result()
    except Boom as e:
        print('result() re-raises', describe(e))
    await asyncio.sleep(0)

    async def await_self():
        await asyncio.current_task()

    t = asyncio.create_task(await_self())
    try:
        await t
    except RuntimeError as e:
        print('a task awaiting itself:', type(e).__name__)

    t = asyncio.create_task(add(2, 3))
    try:
        t.set_result(5)
    except RuntimeError as e:
        print('set_result on a task:', type(e).__name__)
    print('still', await t)


asyncio.run(main())
