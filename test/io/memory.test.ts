// A long-running server's memory stays flat when clients misbehave or when it keeps a little of
// what it reads: real servers (child processes run with --expose-gc) under real load clients
// (test/io/fixtures/clients.cjs) on 127.0.0.1. Heap figures are printed with the test's output.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');
const fixtures = join(__dirname, 'fixtures');

interface Figures {
  count: number;
  heapBeforeMB: number;
  heapAfterMB: number;
  arrayBuffersBeforeMB: number;
  arrayBuffersAfterMB: number;
  [key: string]: unknown;
}

function runServer(program: string, args: string[]): Figures {
  const r = spawnSync(process.execPath, ['--expose-gc', cli, 'run', join(fixtures, program), ...args], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${program} exited with ${r.status} ${r.signal ?? ''}\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Figures;
}

const mb = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)} MB`;

describe('server memory', { timeout: 240_000 }, () => {
  it('10,000 connections reset by the peer (RST) on a streams echo server: heap and buffers after gc() stay flat', () => {
    const f = runServer('reset-server.ts', ['10000']);
    const heap = f.heapAfterMB - f.heapBeforeMB;
    const buffers = f.arrayBuffersAfterMB - f.arrayBuffersBeforeMB;
    console.log(`${f.count} resets (${String(f.resets)} seen by the handler as ConnectionResetError): heap ${f.heapBeforeMB.toFixed(1)} -> ${f.heapAfterMB.toFixed(1)} MB (${mb(heap)}), array buffers ${mb(buffers)}`);
    // Nearly every connection must really have been reset under a pending read, or this tests nothing.
    assert.ok(Number(f.resets) > f.count * 0.9, `only ${String(f.resets)} of ${f.count} connections ended in a reset`);
    assert.ok(heap < 3, `10,000 resets kept ${heap.toFixed(1)} MB of heap`);
    assert.ok(buffers < 1, `10,000 resets kept ${buffers.toFixed(1)} MB of array buffers`);
  });

});
