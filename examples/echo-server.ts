// A TCP echo server on coroscope streams: each line a client sends comes back to it.
//   node bin/coroscope.js run examples/echo-server.ts [port]       (default 8888; 0: the OS chooses)
//   node bin/coroscope.js run examples/echo-client.ts [port] [message ...]
// Stop it with Ctrl-C. Under the debugger, each connection is a task: `handleEcho ⏸ recv fd 9`.
import { run, startServer, type StreamReader, type StreamWriter } from 'coroscope';

function show(address: unknown): string {
  const [host, port] = address as [string, number];
  return `${host}:${port}`;
}

async function handleEcho(reader: StreamReader, writer: StreamWriter): Promise<void> {
  const peer = show(writer.getExtraInfo('peername'));
  for await (const line of reader) {
    console.log(`Received ${JSON.stringify(line.toString().trimEnd())} from ${peer}`);
    writer.write(line); // sent at once when the kernel takes it, buffered otherwise
    await writer.drain(); // waits only while the buffer is above its high-water mark
  }
  console.log(`Close the connection from ${peer}`);
  writer.close();
  await writer.waitClosed();
}

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 8888);
  const server = await startServer(handleEcho, '127.0.0.1', port);
  console.log(`Serving on ${show(server.address)}`);
  try {
    await server.serveForever();
  } finally {
    console.log('Server closed');
  }
}

run(main());
