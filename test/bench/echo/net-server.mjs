// Echo server on Node's `net`, for `npm run bench:echo`.
import net from 'node:net';

const server = net.createServer({ noDelay: true }, (sock) => {
  sock.on('data', (data) => sock.write(data));
  sock.on('error', () => sock.destroy());
  sock.on('end', () => sock.end());
});
server.listen({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0), backlog: 1024 }, () => {
  console.log(`PORT ${server.address().port}`);
});
