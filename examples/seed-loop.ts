// An event loop made by hand, from nothing but generators and select(2): what `run()` does, small
// enough to read in one sitting. Tasks are generators; what a task yields says what it waits for:
//   yield new AsyncSleep(0.1)              wake me in 0.1 s
//   yield new AsyncRead(fd, 512)           read a file when it is readable (a regular file always is)
//   yield new AsyncRecv(sock, 100)         receive from a non-blocking socket when it is readable
// The loop keeps a ready queue, a list of sleepers ordered by deadline, and a selector for the
// fds tasks wait on; each turn it waits in select() no longer than the next deadline.
// seed-real.ts is the same program on coroscope's real loop. Run both and compare:
//   node bin/coroscope.js run examples/seed-loop.ts
//   node bin/coroscope.js run examples/seed-real.ts
import { readSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_READ, SelectSelector, socket } from 'coroscope';

class AsyncSleep {
  constructor(readonly delay: number) {}
}
class AsyncRead {
  constructor(readonly fd: number, readonly size: number) {}
}
class AsyncRecv {
  constructor(readonly sock: socket.Socket, readonly size: number) {}
}

type TaskBody = Generator<unknown, void, unknown>;
interface Task {
  name: string;
  body: TaskBody;
  /** What the task's next `yield` evaluates to. */
  sendValue: unknown;
}

const now = () => performance.now() / 1000;

class HandMadeLoop {
  readonly ready: Task[] = [];
  readonly sleepers: { when: number; task: Task }[] = [];
  readonly selector = new SelectSelector<{ task: Task; op: AsyncRead | AsyncRecv }>();

  spawn(name: string, body: TaskBody): void {
    this.ready.push({ name, body, sendValue: undefined });
  }

  runForever(): void {
    while (this.ready.length > 0 || this.sleepers.length > 0 || this.selector.getMap().size > 0) {
      // 1. Wait for I/O, but not past the next sleeper's deadline (and not at all if a task is ready).
      let timeout: number | null = null;
      if (this.ready.length > 0) timeout = 0;
      else if (this.sleepers.length > 0) timeout = Math.max(0, this.sleepers[0]!.when - now());
      for (const [key] of this.selector.select(timeout)) {
        // The fd is ready: do the read for the task (it cannot block now) and make the task ready.
        this.selector.unregister(key.fd);
        const { task, op } = key.data;
        if (op instanceof AsyncRead) {
          const buf = Buffer.alloc(op.size);
          task.sendValue = buf.subarray(0, readSync(op.fd, buf, 0, op.size, null));
        } else {
          task.sendValue = op.sock.recv(op.size);
        }
        this.ready.push(task);
      }
      // 2. Sleepers whose time has come.
      while (this.sleepers.length > 0 && this.sleepers[0]!.when <= now()) this.ready.push(this.sleepers.shift()!.task);
      // 3. Run each ready task until it yields what it waits for next.
      for (const task of this.ready.splice(0)) this.step(task);
    }
    this.selector.close();
  }

  step(task: Task): void {
    const r = task.body.next(task.sendValue);
    task.sendValue = undefined;
    if (r.done) return;
    const op = r.value;
    if (op instanceof AsyncSleep) {
      const when = now() + op.delay;
      const at = this.sleepers.findIndex((s) => s.when > when);
      this.sleepers.splice(at < 0 ? this.sleepers.length : at, 0, { when, task });
    } else if (op instanceof AsyncRead) {
      this.selector.register(op.fd, EVENT_READ, { task, op });
    } else if (op instanceof AsyncRecv) {
      this.selector.register(op.sock.fileno(), EVENT_READ, { task, op });
    } else {
      throw new TypeError(`${task.name} yielded ${String(op)}: not something this loop knows how to wait for`);
    }
  }
}

// ---- the program ------------------------------------------------------------------------------

function* ticker(): TaskBody {
  for (let i = 1; i <= 3; i++) {
    yield new AsyncSleep(0.1);
    console.log(`ticker: tick ${i}`);
  }
}

function* fileReader(path: string): TaskBody {
  const fd = openSync(path, 'r');
  let chunks = 0;
  const parts: Buffer[] = [];
  for (;;) {
    const chunk = (yield new AsyncRead(fd, 512)) as Buffer;
    if (chunk.length === 0) break;
    chunks += 1;
    parts.push(chunk);
  }
  closeSync(fd);
  const text = Buffer.concat(parts).toString();
  console.log(`reader: echo-server.ts has ${text.split('\n').length - 1} lines, read in ${chunks} chunks of at most 512 bytes`);
}

function* sender(sock: socket.Socket): TaskBody {
  for (const text of ['ping 1', 'ping 2']) {
    yield new AsyncSleep(text === 'ping 1' ? 0.15 : 0.1);
    sock.send(Buffer.from(text));
  }
  sock.close(); // the receiver reads EOF
}

function* receiver(sock: socket.Socket): TaskBody {
  for (;;) {
    const data = (yield new AsyncRecv(sock, 100)) as Buffer;
    if (data.length === 0) break;
    console.log(`receiver: got '${data.toString()}'`);
  }
  console.log('receiver: the peer closed');
  sock.close();
}

const [a, b] = socket.socketpair();
a.setblocking(false);
b.setblocking(false);
const loop = new HandMadeLoop();
loop.spawn('ticker', ticker());
loop.spawn('reader', fileReader(join(__dirname, 'echo-server.ts')));
loop.spawn('sender', sender(a));
loop.spawn('receiver', receiver(b));
loop.runForever();
console.log('all tasks done');
