// Three mistakes the coroscope language server points out (the end-to-end test checks them).
import { createTask, run, sleep } from 'coroscope';
import { readFileSync } from 'node:fs';

async function fetchPage(name: string): Promise<string> {
  await sleep(0.1);
  return name;
}

async function main(): Promise<void> {
  fetchPage('page-1');
  const host = readFileSync('/etc/hostname', 'utf8');
  await 42;
  await createTask(fetchPage(host));
}

run(main());
