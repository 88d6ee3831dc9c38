# The peer of test/bench/streams-path.ts: asyncio's streams layer (StreamReader, StreamWriter,
# StreamReaderProtocol and a task per connection) without sockets, on asyncio's loop or uvloop's.
# Prints one JSON line per connection count: ns of CPU per request (user + system).
import asyncio
import json
import sys
import time

CHUNK = b"a" * 1024


async def echo(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        await writer.drain()


class MemoryTransport(asyncio.Transport):
    def __init__(self, echoed):
        super().__init__()
        self.echoed = echoed
        self.protocol = None

    def write(self, data):
        if len(data) != len(CHUNK):
            raise RuntimeError("short echo")
        self.echoed.append(self.protocol)

    def is_closing(self):
        return False

    def close(self):
        pass

    def get_extra_info(self, name, default=None):
        return default


async def measure(conns, requests):
    loop = asyncio.get_running_loop()
    echoed = []
    protocols = []
    for _ in range(conns):
        reader = asyncio.StreamReader(loop=loop)
        protocol = asyncio.StreamReaderProtocol(reader, echo, loop=loop)
        transport = MemoryTransport(echoed)
        transport.protocol = protocol
        protocol.connection_made(transport)
        protocols.append(protocol)
    done = loop.create_future()
    served = 0

    def tick():
        nonlocal served
        now = protocols if served == 0 and not echoed else echoed[:]
        echoed.clear()
        for p in now:
            p.data_received(CHUNK)
        served += len(now)
        if served >= requests:
            done.set_result(None)
        else:
            loop.call_soon(tick)

    t0 = time.process_time()
    loop.call_soon(tick)
    await done
    dt = time.process_time() - t0
    print(json.dumps({"conns": conns, "requests": served, "nsPerRequest": round(dt * 1e9 / served)}), flush=True)
    for p in protocols:
        p.eof_received()
    await asyncio.gather(*(p._task for p in protocols))


async def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    for _ in range(rounds):
        for conns in (10, 100, 1000):
            await measure(conns, 200_000)


if len(sys.argv) > 2 and sys.argv[2] == "uvloop":
    import uvloop
    uvloop.install()
asyncio.run(main())
