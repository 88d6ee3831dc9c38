# Exceptions through the await chain: an error raised deep in nested coroutines reaches the
# nearest handler on the way out, finally blocks run on the way, a caught error lets the
# coroutine go on awaiting; a task keeps its exception until someone retrieves it.
import asyncio
from _support import describe


class Boom(Exception):
    pass


async def level3():
    await asyncio.sleep(0)
    raise Boom('deep down')


async def level2():
    try:
        await level3()
    finally:
        print('level2 finally')


async def level1():
    try:
        await level2()
    except Boom as e:
        print('level1 caught', describe(e))
        await asyncio.sleep(0)
        raise RuntimeError('wrapped') from e


async def main():
    try:
        await level1()
    except RuntimeError as e:
        print('main caught', describe(e), 'caused by', describe(e.__cause__))

    t = asyncio.create_task(level3())
    await asyncio.sleep(0.01)
    print('the task failed; exception():', describe(t.exception()))

    async def recovers():
        try:
            await level3()
        except Boom:
            print('recovered, awaiting again')
        await asyncio.sleep(0.01)
        return 'fine'

    print('recovers ->', await recovers())

    async def raises_in_finally():
        try:
            await asyncio.sleep(0)
            raise Boom('first')
        finally:
            await asyncio.sleep(0)
            print('finally may await')

    try:
        await raises_in_finally()
    except Boom as e:
        print('after finally:', describe(e))


asyncio.run(main())
