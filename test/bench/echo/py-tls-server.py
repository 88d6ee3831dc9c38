# TLS echo server on CPython's asyncio streams, for `npm run bench:echo`: py-tls-server.py PORT CERT KEY.
import asyncio
import ssl
import sys


async def echo(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()


async def main():
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(sys.argv[2], sys.argv[3])
    server = await asyncio.start_server(echo, "127.0.0.1", int(sys.argv[1]), backlog=1024, ssl=ctx)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    await server.serve_forever()


asyncio.run(main())
