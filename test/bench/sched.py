# Scheduler benchmark, CPython asyncio side (run by scripts/bench-sched.mjs); same workloads as sched.ts.
import asyncio, json, os, random, sys, time

def cpu():
    t = os.times()
    return t.user + t.system

async def measure(name, ops, body):
    t0 = cpu()
    await body()
    dt = cpu() - t0
    print(json.dumps({"name": name, "ops": ops, "seconds": dt, "opsPerSecond": ops / dt}), flush=True)

TIMER_BATCHES = 10

async def sleeper():
    for _ in range(10):
        await asyncio.sleep(0)

async def main():
    loop = asyncio.get_running_loop()
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    for _ in range(rounds):
        async def tasks():
            ts = [asyncio.create_task(sleeper()) for _ in range(100_000)]
            for t in ts:
                await t
        await measure("100k tasks x 10 sleep(0)", 1_000_000, tasks)

        async def soon():
            done = loop.create_future()
            n = 0
            def cb():
                nonlocal n
                n += 1
                if n == 100_000:
                    done.set_result(None)
            for _ in range(100_000):
                loop.call_soon(cb)
            await done
        await measure("100k callSoon callbacks", 100_000, soon)

        async def timer_batch():
            done = loop.create_future()
            n = 0
            def cb():
                nonlocal n
                n += 1
                if n == 10_000:
                    done.set_result(None)
            for _ in range(10_000):
                loop.call_later(random.random() * 0.005, cb)
            await done

        async def timers():
            # As sched.ts: TIMER_BATCHES batches of 10k timers per measured round.
            for _ in range(TIMER_BATCHES):
                await timer_batch()
        await measure("10k timers, random 0-5 ms", 10_000 * TIMER_BATCHES, timers)

        async def futures():
            for i in range(1_000_000):
                f = loop.create_future()
                loop.call_soon(f.set_result, i)
                await f
        await measure("1M future setResult + await", 1_000_000, futures)

if len(sys.argv) > 2 and sys.argv[2] == "uvloop":
    import uvloop
    uvloop.install()
asyncio.run(main())
