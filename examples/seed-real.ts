// seed-loop.ts's program on coroscope's real loop: the same tasks, with `await` instead of `yield`,
// and the loop's own primitives instead of the hand-made ones:
//   AsyncSleep(d)        -> await sleep(d)                      (the loop's timer heap)
//   AsyncRecv(sock, n)   -> await loop.sockRecv(sock, n)        (the loop's selector)
//   AsyncRead(fd, n)     -> await file.read(...)                (Node's fs, a native promise: epoll
//                           cannot watch regular files, so the read runs on Node's thread pool and
//                           its completion wakes our loop through Node's own fd in our selector)
//   node bin/coroscope.js run examples/seed-real.ts
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { gather, getRunningLoop, run, sleep, socket } from 'coroscope';

async function ticker(): Promise<void> {
  for (let i = 1; i <= 3; i++) {
    await sleep(0.1);
    console.log(`ticker: tick ${i}`);
  }
}

async function fileReader(path: string): Promise<void> {
  const file = await open(path, 'r');
  let chunks = 0;
  const parts: Buffer[] = [];
  for (;;) {
    const { bytesRead, buffer } = await file.read(Buffer.alloc(512), 0, 512, null);
    if (bytesRead === 0) break;
    chunks += 1;
    parts.push(buffer.subarray(0, bytesRead));
  }
  await file.close();
  const text = Buffer.concat(parts).toString();
  console.log(`reader: echo-server.ts has ${text.split('\n').length - 1} lines, read in ${chunks} chunks of at most 512 bytes`);
}

async function sender(sock: socket.Socket): Promise<void> {
  for (const text of ['ping 1', 'ping 2']) {
    await sleep(text === 'ping 1' ? 0.15 : 0.1);
    await getRunningLoop().sockSendall(sock, Buffer.from(text));
  }
  sock.close();
}

async function receiver(sock: socket.Socket): Promise<void> {
  for (;;) {
    const data = await getRunningLoop().sockRecv(sock, 100);
    if (data.length === 0) break;
    console.log(`receiver: got '${data.toString()}'`);
  }
  console.log('receiver: the peer closed');
  sock.close();
}

async function main(): Promise<void> {
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  b.setblocking(false);
  await gather(ticker(), fileReader(join(__dirname, 'echo-server.ts')), sender(a), receiver(b));
  console.log('all tasks done');
}

run(main());
