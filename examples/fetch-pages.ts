// Fetch many pages concurrently, at most LIMIT at a time: a Semaphore guards the requests.
// The program starts its own small HTTP/1.0 server on 127.0.0.1 (startServer) that takes 20 ms
// per page, so the limit shows in the time: 30 pages, 5 at a time, take at least 6 × 20 ms.
//   node bin/coroscope.js run examples/fetch-pages.ts [pages] [limit]
import { Semaphore, gather, getRunningLoop, openConnection, run, sleep, startServer, type StreamReader, type StreamWriter } from 'coroscope';

const PAGES = Number(process.argv[2] ?? 30);
const LIMIT = Number(process.argv[3] ?? 5);

// ---- the server ---------------------------------------------------------------------------------

async function servePage(reader: StreamReader, writer: StreamWriter): Promise<void> {
  try {
    const request = (await reader.readuntil('\r\n\r\n')).toString();
    const path = request.split(' ')[1] ?? '/';
    await sleep(0.02); // the page takes a while to make
    const m = /^\/page\/(\d+)$/.exec(path);
    const body = m ? `<html><head><title>Page ${m[1]}</title></head><body>${'lorem ipsum '.repeat(100 * Number(m[1]))}</body></html>` : 'not found';
    writer.write(`HTTP/1.0 ${m ? '200 OK' : '404 Not Found'}\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
    writer.write(body);
    await writer.drain();
  } finally {
    writer.close();
  }
}

// ---- the client ---------------------------------------------------------------------------------

interface Page {
  path: string;
  status: number;
  title: string;
  bytes: number;
}

let inFlight = 0;
let mostInFlight = 0;

async function fetchPage(port: number, path: string, limit: Semaphore): Promise<Page> {
  await limit.acquire(); // waits while LIMIT fetches are running
  inFlight += 1;
  mostInFlight = Math.max(mostInFlight, inFlight);
  try {
    const [reader, writer] = await openConnection('127.0.0.1', port);
    writer.write(`GET ${path} HTTP/1.0\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    const head = (await reader.readuntil('\r\n\r\n')).toString();
    const status = Number(head.split(' ')[1]);
    const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0);
    const body = (await reader.readexactly(length)).toString();
    writer.close();
    await writer.waitClosed();
    return { path, status, title: /<title>(.*?)<\/title>/.exec(body)?.[1] ?? '', bytes: length };
  } finally {
    inFlight -= 1;
    limit.release();
  }
}

async function main(): Promise<void> {
  const server = await startServer(servePage, '127.0.0.1', 0);
  const loop = getRunningLoop();
  const limit = new Semaphore(LIMIT);
  const started = loop.time();
  const paths = Array.from({ length: PAGES }, (_, i) => `/page/${i + 1}`);
  const pages = await gather(...paths.map((path) => fetchPage(server.port, path, limit)));
  const elapsed = loop.time() - started;
  for (const p of pages.slice(0, 3)) console.log(`${p.status} ${p.path} "${p.title}" ${p.bytes} bytes`);
  if (pages.length > 3) console.log(`... (${pages.length - 3} more)`);
  const ok = pages.filter((p) => p.status === 200).length;
  const bytes = pages.reduce((n, p) => n + p.bytes, 0);
  console.log(`fetched ${pages.length} pages (${ok} OK, ${bytes} bytes) in ${elapsed.toFixed(2)} s`);
  console.log(`at most ${mostInFlight} requests in flight (limit ${LIMIT})`);
  server.close();
  await server.waitClosed();
}

run(main());
