// Echo server on coroscope's Protocol API, for `npm run bench:echo`: prints its port, echoes until EOF.
import { Protocol, getRunningLoop, run, type Transport } from 'coroscope';

class Echo extends Protocol {
  #transport: Transport | null = null;
  override connectionMade(transport: Transport): void {
    this.#transport = transport;
  }
  override dataReceived(data: Buffer): void {
    this.#transport!.write(data);
  }
}

async function main(): Promise<void> {
  const server = await getRunningLoop().createServer(() => new Echo(), '127.0.0.1', Number(process.argv[2] ?? 0), { backlog: 1024 });
  console.log(`PORT ${server.port}`);
  await server.serveForever();
}

run(main());
