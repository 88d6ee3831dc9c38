# The loop over raw non-blocking sockets: add_reader/add_writer call back when an fd is ready and
# remove_* say whether something was registered; sock_sendall/sock_recv/sock_accept/sock_connect
# suspend the task instead of blocking; recv on an empty non-blocking socket is BlockingIOError.
import asyncio
import socket
from _support import b


async def main():
    loop = asyncio.get_running_loop()
    left, right = socket.socketpair()
    left.setblocking(False)
    right.setblocking(False)

    try:
        right.recv(100)
    except BlockingIOError as e:
        print('recv with nothing to read:', type(e).__name__)

    readable = loop.create_future()

    def on_readable():
        print('reader callback: data is waiting')
        loop.remove_reader(right.fileno())
        readable.set_result(right.recv(100))

    loop.add_reader(right.fileno(), on_readable)
    left.send(b'ping')
    print('sent; the reader has not run yet')
    print('received', (await readable).decode())
    print('remove_reader again:', b(loop.remove_reader(right.fileno())))

    writable = loop.create_future()
    loop.add_writer(left.fileno(), lambda: writable.set_result('writable'))
    print('writer callback:', await writable)
    print('remove_writer:', b(loop.remove_writer(left.fileno())))

    await loop.sock_sendall(left, b'x' * 100000)
    total = 0
    while total < 100000:
        total += len(await loop.sock_recv(right, 65536))
    print('sock_sendall/sock_recv moved', total, 'bytes')
    left.close()
    right.close()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(('127.0.0.1', 0))
    listener.listen()
    listener.setblocking(False)
    port = listener.getsockname()[1]

    async def serve():
        conn, addr = await loop.sock_accept(listener)
        conn.setblocking(False)
        data = await loop.sock_recv(conn, 100)
        print('server received', data.decode(), 'from', addr[0])
        await loop.sock_sendall(conn, data[::-1])
        conn.close()

    server = asyncio.create_task(serve())
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.setblocking(False)
    await loop.sock_connect(client, ('127.0.0.1', port))
    print('connected')
    await loop.sock_sendall(client, b'stressed')
    print('echo reversed:', (await loop.sock_recv(client, 100)).decode())
    print('then EOF:', len(await loop.sock_recv(client, 100)), 'bytes')
    await server
    client.close()
    listener.close()


asyncio.run(main())
