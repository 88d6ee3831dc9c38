# An exception that escapes main ends the program with exit status 1 (the traceback goes to
# stderr, which the suite does not compare); what was printed before it still comes out.
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
