// Streams over a real socket on 127.0.0.1: startServer on port 0 (the OS picks the port),
// openConnection, line-by-line request/response, readexactly/readuntil, writeEof and reading to
// EOF, IncompleteReadError with what had arrived, a refused connection, and closing the server.
// Client and server take turns (each waits for the other's answer), so the order is fixed.
import {
  ConnectionRefusedError,
  IncompleteReadError,
  openConnection,
  run,
  sleep,
  startServer,
  type StreamReader,
  type StreamWriter,
} from 'coroscope';
import { describe } from './_support';

async function handle(reader: StreamReader, writer: StreamWriter) {
  const peer = writer.getExtraInfo<[string, number]>('peername')!;
  console.log('server: a client from 127.0.0.1:', peer[0] === '127.0.0.1');
  for (;;) {
    const line = await reader.readline();
    if (line.length === 0) break;
    const text = line.toString().replace(/\n$/, '');
    console.log('server got', text);
    if (text === 'bulk') {
      writer.write('abcdef|tail');
      writer.writeEof();
    } else {
      writer.write(text.toUpperCase() + '\n');
    }
    await writer.drain();
  }
  console.log('server: client sent EOF');
  writer.close();
  await writer.waitClosed();
}

async function main() {
  const server = await startServer(handle, '127.0.0.1', 0);
  const port = (server.sockets[0]!.getsockname() as [string, number])[1];
  console.log('serving:', server.isServing(), 'port chosen:', port > 0);

  const [reader, writer] = await openConnection('127.0.0.1', port);
  for (const word of ['hello', 'world']) {
    writer.write(word + '\n');
    await writer.drain();
    console.log('client got', (await reader.readline()).toString().replace(/\n$/, ''));
  }

  writer.write('bulk\n');
  console.log('readexactly(3):', (await reader.readexactly(3)).toString());
  console.log('readuntil(|):', (await reader.readuntil('|')).toString());
  try {
    await reader.readexactly(10);
  } catch (e) {
    if (!(e instanceof IncompleteReadError)) throw e;
    console.log(describe(e), '- partial:', Buffer.from(e.partial).toString());
  }
  console.log('at EOF:', reader.atEof(), 'read() now gives', (await reader.read()).length, 'bytes');
  writer.writeEof();
  await sleep(0.05);
  writer.close();
  await writer.waitClosed();
  console.log('client closed:', writer.isClosing());

  server.close();
  await server.waitClosed();
  console.log('serving after close:', server.isServing());

  try {
    await openConnection('127.0.0.1', port);
  } catch (e) {
    if (!(e instanceof ConnectionRefusedError)) throw e;
    console.log('connecting to the closed port:', e.name);
  }
}

run(main());
