# Misuse gets a clear error of the same type as in asyncio: awaiting something that is not
# awaitable (TypeError), awaiting a coroutine twice, run() inside a running loop and
# get_running_loop() outside one (RuntimeError). Messages are compared where they are the same.
import asyncio
from _support import b


async def answer():
    return 42


async def main():
    try:
        await 5
    except TypeError as e:
        print('await 5:', type(e).__name__, "mentions 'await':", b("can't be used in 'await' expression" in str(e)))

    coro = answer()
    print('first await:', await coro)
    try:
        await coro
    except RuntimeError as e:
        print('second await:', type(e).__name__)

    inner = answer()
    try:
        asyncio.run(inner)
    except RuntimeError as e:
        print('run() inside a running loop:', type(e).__name__)
    inner.close()

    loop = asyncio.get_running_loop()
    print('get_running_loop() inside: same loop:', b(loop is asyncio.get_running_loop()))


try:
    asyncio.get_running_loop()
except RuntimeError as e:
    print('get_running_loop() outside a loop:', type(e).__name__)

asyncio.run(main())
