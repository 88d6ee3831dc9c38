// TLS echo server on Node's `tls`, for `npm run bench:echo`: tls-server.mjs PORT CERT KEY.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

const [port, certFile, keyFile] = process.argv.slice(2);
const server = tls.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (sock) => {
  sock.setNoDelay(true);
  sock.on('data', (data) => sock.write(data));
  sock.on('error', () => sock.destroy());
  sock.on('end', () => sock.end());
});
server.listen({ host: '127.0.0.1', port: Number(port ?? 0), backlog: 1024 }, () => {
  console.log(`PORT ${server.address().port}`);
});
