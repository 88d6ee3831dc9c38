// The loop over raw non-blocking sockets: addReader/addWriter call back when an fd is ready and
// remove* say whether something was registered; sockSendall/sockRecv/sockAccept/sockConnect
// suspend the task instead of blocking; recv on an empty non-blocking socket is BlockingIOError.
import { BlockingIOError, createTask, getRunningLoop, run, socket } from 'coroscope';

async function main() {
  const loop = getRunningLoop();
  const [left, right] = socket.socketpair();
  left.setblocking(false);
  right.setblocking(false);

  try {
    right.recv(100);
  } catch (e) {
    if (!(e instanceof BlockingIOError)) throw e;
    console.log('recv with nothing to read:', e.name);
  }

  const readable = loop.createFuture<Buffer>();

  function onReadable() {
    console.log('reader callback: data is waiting');
    loop.removeReader(right.fileno());
    readable.setResult(right.recv(100));
  }

  loop.addReader(right.fileno(), onReadable);
  left.send(Buffer.from('ping'));
  console.log('sent; the reader has not run yet');
  console.log('received', (await readable).toString());
  console.log('remove_reader again:', loop.removeReader(right.fileno()));

  const writable = loop.createFuture<string>();
  loop.addWriter(left.fileno(), () => writable.setResult('writable'));
  console.log('writer callback:', await writable);
  console.log('remove_writer:', loop.removeWriter(left.fileno()));

  await loop.sockSendall(left, Buffer.alloc(100000, 'x'));
  let total = 0;
  while (total < 100000) {
    total += (await loop.sockRecv(right, 65536)).length;
  }
  console.log('sock_sendall/sock_recv moved', total, 'bytes');
  left.close();
  right.close();

  const listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  listener.bind(['127.0.0.1', 0]);
  listener.listen();
  listener.setblocking(false);
  const port = (listener.getsockname() as [string, number])[1];

  async function serve() {
    const [conn, addr] = await loop.sockAccept(listener);
    conn.setblocking(false);
    const data = await loop.sockRecv(conn, 100);
    console.log('server received', data.toString(), 'from', (addr as [string, number])[0]);
    await loop.sockSendall(conn, Buffer.from(data).reverse());
    conn.close();
  }

  const server = createTask(serve());
  const client = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  client.setblocking(false);
  await loop.sockConnect(client, ['127.0.0.1', port]);
  console.log('connected');
  await loop.sockSendall(client, Buffer.from('stressed'));
  console.log('echo reversed:', (await loop.sockRecv(client, 100)).toString());
  console.log('then EOF:', (await loop.sockRecv(client, 100)).length, 'bytes');
  await server;
  client.close();
  listener.close();
}

run(main());
