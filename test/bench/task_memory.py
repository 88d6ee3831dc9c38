# Bytes per suspended task, CPython side (run by scripts/bench-sched.mjs): N tasks (default
# 100,000) each suspended in `await asyncio.sleep(3600)`; the bytes tracemalloc sees allocated and
# still live after gc.collect(), per task (the same measure as the live heap after gc() in Node).
import asyncio, gc, json, sys, tracemalloc

async def sleeper():
    await asyncio.sleep(3600)

async def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    await asyncio.sleep(0)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tasks = [asyncio.create_task(sleeper()) for _ in range(n)]
    await asyncio.sleep(0)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(json.dumps({"name": f"bytes per suspended task ({n // 1000}k)", "tasks": n, "bytesPerTask": (after - before) / n}), flush=True)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

if len(sys.argv) > 2 and sys.argv[2] == "uvloop":
    import uvloop
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
asyncio.run(main())
