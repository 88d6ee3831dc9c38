# Misuse of the API raises asyncio's exception with CPython's message: a future completed twice
# ('invalid state'), an exception class given to set_exception (instantiated), a Task completed
# by hand, no running loop, a coroutine awaited twice, a closed loop, asyncio.run() nested.
# asyncio's TimeoutError is the builtin one, an OSError; IncompleteReadError is an EOFError.
import asyncio
from _support import b, describe

try:
    asyncio.get_running_loop()
except RuntimeError as e:
    print('outside a loop:', describe(e))

closed = asyncio.new_event_loop()
closed.close()
try:
    closed.call_soon(print, 'never')
except RuntimeError as e:
    print('closed loop:', describe(e))


async def compute():
    return 1


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    fut.set_result(1)
    for what, call in (('set_result', lambda: fut.set_result(2)), ('set_exception', lambda: fut.set_exception(ValueError('x')))):
        try:
            call()
        except asyncio.InvalidStateError as e:
            print(what, 'again:', describe(e))

    fut = loop.create_future()
    fut.set_exception(ValueError)
    e = fut.exception()
    print('set_exception(ValueError) stored:', type(e).__name__, b(isinstance(e, ValueError)))

    task = asyncio.create_task(compute())
    try:
        task.set_result(5)
    except RuntimeError as e:
        # expect-differ: names: task.set_result: RuntimeError: Task does not support set_result operation => task.set_result: RuntimeError: Task does not support setResult operation
        print('task.set_result:', describe(e))
    await task

    c = compute()
    await c
    try:
        await c
    except RuntimeError as e:
        print('awaited twice:', describe(e))

    inner = compute()
    try:
        asyncio.run(inner)
    except RuntimeError as e:
        # expect-differ: names: nested run: RuntimeError: asyncio.run() cannot be called from a running event loop => nested run: RuntimeError: run() cannot be called from a running event loop
        print('nested run:', describe(e))
    inner.close()

    print('TimeoutError is an OSError:', b(isinstance(asyncio.TimeoutError(), OSError)), b(asyncio.TimeoutError is TimeoutError))
    err = asyncio.IncompleteReadError(b'ab', 5)
    print('IncompleteReadError is an EOFError:', b(isinstance(err, EOFError)), describe(err))


asyncio.run(main())
