# Driving a loop by hand: run_until_complete returns the result (or raises the error) and leaves
# the loop usable; stop() ends run_forever after the current iteration (callbacks already queued
# for it still run); run_until_complete on a stopped-early future is an error; a closed loop
# refuses work; the loop's time does not go backwards.
import asyncio
from _support import b, describe


class Boom(Exception):
    pass


async def compute(x):
    await asyncio.sleep(0)
    return x * 2


async def explode():
    await asyncio.sleep(0)
    raise Boom('inside run_until_complete')


loop = asyncio.new_event_loop()
print('running before:', b(loop.is_running()), 'closed:', b(loop.is_closed()))
print('run_until_complete ->', loop.run_until_complete(compute(21)))
try:
    loop.run_until_complete(explode())
except Boom as e:
    print('run_until_complete raised', describe(e))

t0 = loop.time()
loop.call_soon(print, 'callback 1')
loop.call_soon(loop.stop)
loop.call_soon(print, 'callback 2, queued after stop(), same iteration')
loop.call_later(0.05, print, 'a timer for later runs in the next run_forever')
loop.run_forever()
print('run_forever returned; running:', b(loop.is_running()))
loop.call_later(0.1, loop.stop)
loop.run_forever()
print('time went forward:', b(loop.time() >= t0 + 0.1))

fut = loop.create_future()
loop.call_soon(loop.stop)
try:
    loop.run_until_complete(fut)
except RuntimeError as e:
    print('stopped before the future completed:', type(e).__name__)
fut.cancel()

loop.close()
loop.close()
print('closed twice is fine; closed:', b(loop.is_closed()))
try:
    loop.call_soon(print, 'never')
except RuntimeError as e:
    print('call_soon on a closed loop:', type(e).__name__)
