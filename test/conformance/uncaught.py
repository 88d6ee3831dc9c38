# An exception that escapes main ends the program with exit status 1; what was printed before it
# still comes out, and the traceback on stderr ends with the same `Boom: message` line.
# expect-exit: 1
import asyncio


class Boom(Exception):
    pass


async def helper():
    await asyncio.sleep(0)
    raise Boom('nobody catches this')


async def main():
    print('main starts')
    await helper()
    print('never printed')


asyncio.run(main())
