// The streams layer's own CPU per request, without sockets: N connections, each served by the
// bench's echo task (read, write, drain) over a transport that keeps what is written in memory.
// Each loop iteration a driver callback feeds one 1 KiB chunk to every connection whose last echo
// came back. Prints one JSON line per connection count: ns of CPU per request (user + system).
import { getRunningLoop, run, StreamReader, StreamReaderProtocol, type StreamWriter, type Transport } from 'coroscope';

const CHUNK = Buffer.alloc(1024, 0x61);

async function echo(reader: StreamReader, writer: StreamWriter): Promise<void> {
  for (;;) {
    const data = await reader.read(65536);
    if (data.length === 0) break;
    writer.write(data);
    await writer.drain();
  }
}

class MemoryTransport {
  readonly fd = -1;
  protocol!: StreamReaderProtocol;
  constructor(readonly echoed: StreamReaderProtocol[]) {}
  write(data: Uint8Array): void {
    if (data.length !== CHUNK.length) throw new Error('short echo');
    this.echoed.push(this.protocol);
  }
  getProtocol() { return this.protocol; }
  setProtocol(p: StreamReaderProtocol) { this.protocol = p; }
  getExtraInfo() { return undefined; }
  writelines() {}
  canWriteEof() { return true; }
  writeEof() {}
  close() {}
  abort() {}
  isClosing() { return false; }
  isReading() { return true; }
  pauseReading() {}
  resumeReading() {}
  getWriteBufferSize() { return 0; }
  getWriteBufferLimits(): [number, number] { return [0, 0]; }
  setWriteBufferLimits() {}
}

async function measure(conns: number, requests: number): Promise<void> {
  const loop = getRunningLoop();
  let echoed: StreamReaderProtocol[] = [];
  const protocols: StreamReaderProtocol[] = [];
  for (let i = 0; i < conns; i++) {
    const reader = new StreamReader({ loop });
    const protocol = new StreamReaderProtocol(reader, loop, { clientConnected: echo });
    const transport = new MemoryTransport(echoed);
    transport.protocol = protocol;
    protocol.connectionMade(transport as unknown as Transport);
    protocols.push(protocol);
  }
  const done = loop.createFuture<void>();
  let served = 0;
  const t0 = process.cpuUsage();
  const tick = (): void => {
    const now = echoed.length === 0 && served === 0 ? protocols : echoed.splice(0);
    // A view per request, as a socket read hands out (asyncio's side gets its bytes object as is).
    for (const p of now) p.dataReceived(CHUNK.subarray(0, 1024));
    served += now.length;
    if (served >= requests) done.setResult();
    else loop.callSoon(tick);
  };
  loop.callSoon(tick);
  await done;
  const dt = process.cpuUsage(t0);
  console.log(JSON.stringify({ conns, requests: served, nsPerRequest: Math.round(((dt.user + dt.system) * 1000) / served) }));
  for (const p of protocols) p.eofReceived();
  for (const p of protocols) await p.task; // their ends are not counted in the next measurement
  echoed = [];
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  for (let r = 0; r < rounds; r++) for (const conns of [10, 100, 1000]) await measure(conns, 1_000_000);
}

run(main());
