# Echo servers on CPython's asyncio (and uvloop), for `npm run bench:echo`.
#   py-server.py streams|sock|protocol [uvloop]
import asyncio
import socket
import sys

mode = sys.argv[1]
use_uvloop = len(sys.argv) > 2 and sys.argv[2] == "uvloop"


async def echo_streams(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def echo_sock(loop, conn):
    try:
        while True:
            data = await loop.sock_recv(conn, 65536)
            if not data:
                break
            await loop.sock_sendall(conn, data)
    except ConnectionError:
        pass
    finally:
        conn.close()


class EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def main():
    loop = asyncio.get_running_loop()
    if mode == "streams":
        server = await asyncio.start_server(echo_streams, "127.0.0.1", 0, backlog=1024)
        port = server.sockets[0].getsockname()[1]
    elif mode == "protocol":
        server = await loop.create_server(EchoProtocol, "127.0.0.1", 0, backlog=1024)
        port = server.sockets[0].getsockname()[1]
    else:
        lsock = socket.create_server(("127.0.0.1", 0), backlog=1024)
        lsock.setblocking(False)
        port = lsock.getsockname()[1]
    print(f"PORT {port}", flush=True)
    if mode == "sock":
        while True:
            conn, _ = await loop.sock_accept(lsock)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            loop.create_task(echo_sock(loop, conn))
    else:
        await server.serve_forever()


if use_uvloop:
    import uvloop  # Debian's python3-uvloop 0.17 has no uvloop.run()

    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
asyncio.run(main())
