# Loop callbacks: call_soon is FIFO and runs one batch per iteration (a callback scheduled by a
# callback runs in the next iteration); call_later/call_at order by due time; a timer that is
# already due joins the batch after the callbacks that were ready; cancelled handles never run.
import asyncio
from _support import b


async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()

    def first():
        print('first')
        loop.call_soon(print, 'scheduled by first')

    loop.call_later(0.2, print, 'later 0.2')
    loop.call_later(0.1, print, 'later 0.1 (a)')
    loop.call_later(0.1, print, 'later 0.1 (b)')
    loop.call_later(0, print, 'later 0')
    loop.call_later(-1, print, 'later -1: due in the past, so before later 0')
    loop.call_soon(first)
    loop.call_soon(print, 'second')
    handle = loop.call_soon(print, 'cancelled handle: never printed')
    handle.cancel()
    timer = loop.call_later(0.15, print, 'cancelled timer: never printed')
    timer.cancel()
    print('handle cancelled:', b(handle.cancelled()), 'timer cancelled:', b(timer.cancelled()))
    loop.call_at(loop.time() + 0.3, done.set_result, 'done')
    print('main waits')
    print('main resumed with', await done)


asyncio.run(main())
