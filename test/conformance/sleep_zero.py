# sleep(0) yields for exactly one loop iteration: every callback and task step that was ready
# runs once before the caller continues. Tasks start in creation order, after the callbacks
# scheduled before them.
import asyncio


async def worker(name, steps):
    for i in range(steps):
        print(name, 'step', i)
        await asyncio.sleep(0)
    print(name, 'done')
    return name


async def nested():
    print('nested before sleep(0)')
    value = await asyncio.sleep(0, 'result of sleep')
    print('nested got', value)
    return value


async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(print, 'callback scheduled before the tasks')
    a = asyncio.create_task(worker('a', 3))
    b = asyncio.create_task(worker('b', 2))
    loop.call_soon(print, 'callback scheduled after the tasks')
    print('main before sleep(0)')
    await asyncio.sleep(0)
    print('main after one sleep(0)')
    await nested()
    print('main awaits a and b')
    print(await a, await b)
    await asyncio.sleep(-1)
    print('a negative delay is sleep(0)')


asyncio.run(main())
