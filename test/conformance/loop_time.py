# loop.time() and sleeping: concurrent sleeps overlap (three sleeps of 0.2, 0.4 and 0.6 s take
# 0.6 s, not 1.2 s); call_at fires at an absolute loop time; sleep(delay, result) returns result.
# Times are printed in ticks of 0.2 s (rounded), so that a loaded machine does not change them.
import asyncio

TICK = 0.2


def ticks(seconds):
    return round(seconds / TICK)


async def nap(name, delay, t0):
    loop = asyncio.get_running_loop()
    value = await asyncio.sleep(delay, name)
    print(value, 'woke at tick', ticks(loop.time() - t0))
    return value


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    results = await asyncio.gather(nap('c', 3 * TICK, t0), nap('a', TICK, t0), nap('b', 2 * TICK, t0))
    print('results:', ' '.join(results))
    print('all three took', ticks(loop.time() - t0), 'ticks')

    t0 = loop.time()
    fired = loop.create_future()
    handle = loop.call_at(t0 + TICK, lambda: fired.set_result(loop.time() - t0))
    print('call_at when - t0:', ticks(handle.when() - t0), 'tick')
    print('call_at fired after', ticks(await fired), 'tick')

    t0 = loop.time()
    timer = loop.call_later(TICK, print, 'never printed')
    timer.cancel()
    await asyncio.sleep(0)
    print('a cancelled timer does not delay anything:', ticks(loop.time() - t0), 'ticks')


asyncio.run(main())
