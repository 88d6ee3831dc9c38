// Echo server on coroscope streams, for `npm run bench:echo`: prints its port, echoes until EOF.
import { run, startServer, type StreamReader, type StreamWriter } from 'coroscope';

async function echo(reader: StreamReader, writer: StreamWriter): Promise<void> {
  try {
    for (;;) {
      const data = await reader.read(65536);
      if (data.length === 0) break;
      writer.write(data);
      await writer.drain();
    }
  } finally {
    writer.close();
  }
}

async function main(): Promise<void> {
  const server = await startServer(echo, '127.0.0.1', Number(process.argv[2] ?? 0), { backlog: 1024 });
  console.log(`PORT ${server.port}`);
  await server.serveForever();
}

run(main());
