// A chat client that joins, says its messages (one every 50 ms), prints everything it hears for
// a moment, and leaves.
//   node bin/coroscope.js run examples/chat-client.ts PORT NAME [message ...]
import { createTask, openConnection, run, sleep } from 'coroscope';

async function main(): Promise<void> {
  const [port, name = 'guest', ...messages] = process.argv.slice(2);
  const [reader, writer] = await openConnection('127.0.0.1', Number(port));
  writer.write(`${name}\n`);
  const listener = createTask(
    (async () => {
      for await (const line of reader) console.log(line.toString().trimEnd());
    })(),
  );
  for (const text of messages) {
    await sleep(0.05);
    writer.write(`${text}\n`);
  }
  await sleep(0.3); // hear the answers
  writer.close();
  await writer.waitClosed();
  listener.cancel();
}

run(main());
