# run(): returns main's value; an exception from main comes out of run(); tasks still running
# when main returns are cancelled (and see CancelledError) before run() returns.
import asyncio
from _support import describe


class Boom(Exception):
    pass


async def background():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print('background task cancelled at shutdown')
        raise


async def main():
    asyncio.create_task(background())
    await asyncio.sleep(0)
    print('main returns')
    return 42


async def failing():
    await asyncio.sleep(0)
    raise Boom('from main')


print('run returned', asyncio.run(main()))
try:
    asyncio.run(failing())
except Boom as e:
    print('run raised', describe(e))
print('after both runs')
