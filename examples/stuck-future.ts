// A program that never finishes: `main` waits for a reply that nobody will ever send, while a
// ticker keeps running. Under the debugger, Pause shows why: Task-2 (handle) is suspended on a
// future that nothing completes, and main awaits it through gather.
import { run, sleep, createTask, gather, getRunningLoop, type Future } from 'coroscope';

async function ticker(period: number): Promise<void> {
  let ticks = 0;
  for (;;) {
    await sleep(period);
    ticks += 1;
  }
}

async function waitForReply(request: string, reply: Future<string>): Promise<string> {
  const sentAt = getRunningLoop().time();
  const answer = await reply;
  return `${request} -> ${answer} after ${getRunningLoop().time() - sentAt} s`;
}

async function handle(request: string): Promise<string> {
  const reply = getRunningLoop().createFuture<string>();
  const line = await waitForReply(request, reply);
  return line;
}

async function main(): Promise<void> {
  console.log('main: started');
  const tick = createTask(ticker(0.25), { name: 'ticker' });
  const answers = await gather(handle('ping'), tick);
  console.log('never printed', answers);
}

run(main());
