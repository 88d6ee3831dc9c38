// A TCP echo client: sends each message as a line and prints what comes back.
//   node bin/coroscope.js run examples/echo-client.ts [port] [message ...]
import { openConnection, run } from 'coroscope';

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 8888);
  const messages = process.argv.length > 3 ? process.argv.slice(3) : ['Hello World!'];
  const [reader, writer] = await openConnection('localhost', port); // a name: resolved through Node's resolver
  for (const message of messages) {
    console.log(`Send: ${JSON.stringify(message)}`);
    writer.write(`${message}\n`);
    const answer = await reader.readline();
    console.log(`Received: ${JSON.stringify(answer.toString().trimEnd())}`);
  }
  console.log('Close the connection');
  writer.close();
  await writer.waitClosed();
}

run(main());
