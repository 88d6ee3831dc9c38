// A chat server: the first line a client sends is its name; every later line goes to everyone else.
//   node bin/coroscope.js run examples/chat-server.ts [port]        (default 8889; 0: the OS chooses)
//   node bin/coroscope.js run examples/chat-client.ts PORT NAME [message ...]
// A client that does not read is not allowed to hold everyone up: its messages pile up in its
// transport's buffer (write() never blocks), and past a limit it is disconnected.
import { run, startServer, type StreamReader, type StreamWriter } from 'coroscope';

const MAX_BACKLOG = 1 << 20; // bytes waiting for one slow client before it is dropped
const members = new Map<StreamWriter, string>();

function broadcast(text: string, except?: StreamWriter): void {
  const line = Buffer.from(`${text}\n`);
  for (const [writer, name] of members) {
    if (writer === except || writer.isClosing()) continue;
    writer.write(line);
    if (writer.transport.getWriteBufferSize() > MAX_BACKLOG) {
      console.log(`* dropping ${name}: it does not read`);
      writer.transport.abort();
    }
  }
}

async function client(reader: StreamReader, writer: StreamWriter): Promise<void> {
  const first = await reader.readline();
  const name = first.toString().trim() || 'anonymous';
  members.set(writer, name);
  console.log(`* ${name} joined (${members.size} online)`);
  broadcast(`* ${name} joined`, writer);
  writer.write(`* welcome, ${name}: ${members.size} online\n`);
  try {
    for await (const line of reader) {
      const text = line.toString().trimEnd();
      if (text) broadcast(`${name}: ${text}`, writer);
    }
  } catch (err) {
    console.log(`* ${name}: ${String(err)}`);
  } finally {
    members.delete(writer);
    console.log(`* ${name} left (${members.size} online)`);
    broadcast(`* ${name} left`);
    writer.close();
  }
}

async function main(): Promise<void> {
  const server = await startServer(client, '127.0.0.1', Number(process.argv[2] ?? 8889));
  const [host, port] = server.address as [string, number];
  console.log(`Chat server on ${host}:${port}`);
  try {
    await server.serveForever();
  } finally {
    for (const writer of members.keys()) writer.close();
    console.log('Chat server closed');
  }
}

run(main());
