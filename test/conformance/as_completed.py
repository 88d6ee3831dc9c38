# as_completed: yields awaitables that give the results in completion order; an error comes
# out of the await that meets it; with a timeout, the await after the deadline raises TimeoutError.
# timing-sensitive: jobs finish 10 ms apart, each timer started on its own task step; a stalled process can reorder them
import asyncio
from _support import describe


class Boom(Exception):
    pass


async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise Boom(name)
    return name


async def main():
    for next_done in asyncio.as_completed([job('c', 0.03), job('a', 0.01), job('b', 0.02)]):
        print('completed:', await next_done)

    for next_done in asyncio.as_completed([job('ok', 0.01), job('bad', 0.02, fail=True)]):
        try:
            print('completed:', await next_done)
        except Boom as e:
            print('raised:', describe(e))

    slow = asyncio.create_task(job('slow', 1))
    try:
        for next_done in asyncio.as_completed([job('fast', 0.01), slow], timeout=0.5):
            print('completed:', await next_done)
    except asyncio.TimeoutError as e:
        print('timeout:', describe(e))
    slow.cancel()


asyncio.run(main())
