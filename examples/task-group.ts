// Structured concurrency: main downloads three "pages" in a TaskGroup and waits for all of them.
// One download is slow; under the debugger each child is a thread sleeping at its own await, and
// main waits in the group's exit for the children that are not done.
import { run, sleep, taskGroup } from 'coroscope';

async function download(url: string, seconds: number): Promise<number> {
  const started = Date.now();
  await sleep(seconds);
  const size = url.length * 100;
  console.log(`${url}: ${size} bytes after ${Date.now() - started} ms`);
  return size;
}

async function main(): Promise<void> {
  const sizes = await taskGroup(async (tg) => {
    const pages = ['a.example/1', 'b.example/22', 'c.example/333'].map((url, i) => tg.createTask(download(url, 0.2 + i * 0.4), { name: `get-${i + 1}` }));
    return pages;
  });
  console.log('total', sizes.reduce((sum, t) => sum + t.result(), 0));
}

run(main());
