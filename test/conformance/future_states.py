# A Future's states and errors: result()/exception() before it is done raise InvalidStateError;
# it completes once (a second set_result raises); done callbacks are scheduled with call_soon,
# never called synchronously; a cancelled future raises CancelledError carrying the message.
import asyncio
from _support import b, describe


class Boom(Exception):
    pass


async def main():
    loop = asyncio.get_running_loop()

    fut = loop.create_future()
    print('pending: done', b(fut.done()), 'cancelled', b(fut.cancelled()))
    try:
        fut.result()
    except asyncio.InvalidStateError as e:
        print('result() too early:', describe(e))
    try:
        fut.exception()
    except asyncio.InvalidStateError as e:
        print('exception() too early:', describe(e))

    fut.add_done_callback(lambda f: print('callback 1 sees', f.result()))
    fut.add_done_callback(lambda f: print('callback 2 sees', f.result()))
    fut.set_result(42)
    print('result set; no callback has run yet')
    try:
        fut.set_result(43)
    except asyncio.InvalidStateError as e:
        print('setting the result again:', type(e).__name__)
    try:
        fut.set_exception(Boom('late'))
    except asyncio.InvalidStateError as e:
        print('setting an exception after the result:', type(e).__name__)
    print('cancel() on a done future:', b(fut.cancel()))
    print('result:', fut.result())
    # expect-differ: exception-none: exception: None => exception: null
    print('exception:', fut.exception())
    await asyncio.sleep(0)
    print('after one iteration')
    print('await a done future:', await fut)

    fut = loop.create_future()
    fut.set_exception(Boom('bad'))
    print('exception():', describe(fut.exception()))
    try:
        fut.result()
    except Boom as e:
        print('result() raises', describe(e), 'same object:', b(e is fut.exception()))
    try:
        await fut
    except Boom as e:
        print('await raises', describe(e))

    fut = loop.create_future()
    fut.add_done_callback(lambda f: print('callback sees cancelled:', b(f.cancelled())))
    print('cancel():', b(fut.cancel('stop it')))
    print('cancelled', b(fut.cancelled()), 'done', b(fut.done()))
    try:
        fut.result()
    except asyncio.CancelledError as e:
        print('result() raises', describe(e))
    try:
        fut.exception()
    except asyncio.CancelledError as e:
        print('exception() raises', describe(e))
    print('cancel() again:', b(fut.cancel()))
    try:
        fut.set_result(1)
    except asyncio.InvalidStateError as e:
        print('setting a result after cancel:', type(e).__name__)
    await asyncio.sleep(0)

    fut = loop.create_future()

    def cb(f):
        print('cb: never printed')

    fut.add_done_callback(cb)
    fut.add_done_callback(cb)
    print('removing the callback removed', fut.remove_done_callback(cb))
    fut.set_result(None)
    await asyncio.sleep(0)
    fut.add_done_callback(lambda f: print('callback added after done runs soon'))
    print('callback added after done: not yet')
    await asyncio.sleep(0)

    fut = loop.create_future()
    loop.call_later(0.01, fut.set_result, 'set by a timer')
    print('await:', await fut)


asyncio.run(main())
