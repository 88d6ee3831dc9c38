// Echo server on the loop's socket operations (sockAccept / sockRecv / sockSendall), for
// `npm run bench:echo`: the pattern of CPython's loop.sock_* examples.
import { createTask, getRunningLoop, run, socket } from 'coroscope';

async function echo(conn: socket.Socket): Promise<void> {
  const loop = getRunningLoop();
  try {
    for (;;) {
      const data = await loop.sockRecv(conn, 65536);
      if (data.length === 0) break;
      await loop.sockSendall(conn, data);
    }
  } catch {
    // the client went away
  } finally {
    conn.close();
  }
}

async function main(): Promise<void> {
  const loop = getRunningLoop();
  const server = socket.createServer(['127.0.0.1', Number(process.argv[2] ?? 0)], { backlog: 1024 });
  server.setblocking(false);
  console.log(`PORT ${(server.getsockname() as [string, number])[1]}`);
  for (;;) {
    const [conn] = await loop.sockAccept(server);
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
    createTask(echo(conn));
  }
}

run(main());
