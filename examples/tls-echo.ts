// A TLS echo server and a client of it, in one program:
//   node bin/coroscope.js run examples/tls-echo.ts [CERT.pem KEY.pem]
// Without arguments it makes a self-signed certificate for localhost with the openssl command (in a
// temporary directory) and the client trusts exactly that certificate. Pause it in the debugger
// while the client waits: the Event loop scope's readers show `TLS 1.3 · peer CN=localhost`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConnection, run, sleep, startServer, type StreamReader, type StreamWriter } from 'coroscope';

function certificate(): { cert: string; key: string } {
  const [certFile, keyFile] = process.argv.slice(2);
  if (certFile && keyFile) return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  const dir = mkdtempSync(join(tmpdir(), 'tls-echo-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function serveConnection(reader: StreamReader, writer: StreamWriter): Promise<void> {
  for (;;) {
    const line = await reader.readline();
    if (line.length === 0) break;
    writer.write(`echo: ${line}`);
    await writer.drain();
  }
  writer.close(); // sends close_notify
  await writer.waitClosed();
}

async function main(): Promise<void> {
  const { cert, key } = certificate();
  const server = await startServer(serveConnection, '127.0.0.1', 0, { ssl: { cert, key } });
  console.log(`Serving TLS on 127.0.0.1:${server.port}`);
  // The client checks the server's certificate against the one CA it trusts here, and its name.
  const [reader, writer] = await openConnection('localhost', server.port, { ssl: { ca: cert } });
  const [cipher, version] = writer.getExtraInfo<[string, string, number]>('cipher')!;
  const peer = writer.getExtraInfo<{ subject: [string, string][][] }>('peercert')!;
  console.log(`${version} ${cipher}, server certificate for ${peer.subject.flat().map(([k, v]) => `${k}=${v}`).join(', ')}`);
  for (const word of ['hello', 'over', 'TLS']) {
    writer.write(`${word}\n`);
    process.stdout.write(String(await reader.readline()));
    await sleep(0.1);
  }
  writer.close();
  await writer.waitClosed();
  server.close();
  await server.waitClosed();
  console.log('closed');
}

run(main());
