// TLS echo server on coroscope streams, for `npm run bench:echo`: tls-streams-server.ts PORT CERT KEY.
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
  const [port, certFile, keyFile] = process.argv.slice(2);
  const server = await startServer(echo, '127.0.0.1', Number(port ?? 0), { backlog: 1024, ssl: { certFile, keyFile } });
  console.log(`PORT ${server.port}`);
  await server.serveForever();
}

run(main());
