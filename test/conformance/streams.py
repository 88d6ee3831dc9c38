# Streams over a real socket on 127.0.0.1: start_server on port 0 (the OS picks the port),
# open_connection, line-by-line request/response, readexactly/readuntil, write_eof and reading to
# EOF, IncompleteReadError with what had arrived, a refused connection, and closing the server.
# Client and server take turns (each waits for the other's answer), so the order is fixed.
import asyncio
from _support import b, describe


async def handle(reader, writer):
    print('server: a client from 127.0.0.1:', b(writer.get_extra_info('peername')[0] == '127.0.0.1'))
    while True:
        line = await reader.readline()
        if not line:
            break
        text = line.decode().rstrip('\n')
        print('server got', text)
        if text == 'bulk':
            writer.write(b'abcdef|tail')
            writer.write_eof()
        else:
            writer.write(text.upper().encode() + b'\n')
        await writer.drain()
    print('server: client sent EOF')
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    print('serving:', b(server.is_serving()), 'port chosen:', b(port > 0))

    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    for word in ('hello', 'world'):
        writer.write(word.encode() + b'\n')
        await writer.drain()
        print('client got', (await reader.readline()).decode().rstrip('\n'))

    writer.write(b'bulk\n')
    print('readexactly(3):', (await reader.readexactly(3)).decode())
    print('readuntil(|):', (await reader.readuntil(b'|')).decode())
    try:
        await reader.readexactly(10)
    except asyncio.IncompleteReadError as e:
        print(describe(e), '- partial:', e.partial.decode())
    print('at EOF:', b(reader.at_eof()), 'read() now gives', len(await reader.read()), 'bytes')
    writer.write_eof()
    await asyncio.sleep(0.05)
    writer.close()
    await writer.wait_closed()
    print('client closed:', b(writer.is_closing()))

    server.close()
    await server.wait_closed()
    print('serving after close:', b(server.is_serving()))

    try:
        await asyncio.open_connection('127.0.0.1', port)
    except ConnectionRefusedError as e:
        print('connecting to the closed port:', type(e).__name__)


asyncio.run(main())
