// For the e2e test of an edited tsconfig.json: '@lib/work' leads to a/work.ts (a coroutine
// function, so `work();` is reported) until the test points the alias at b/work.ts.
import { sleep } from 'coroscope';
import { readFileSync } from 'node:fs';
import { work } from '@lib/work';

async function main(): Promise<void> {
  work();
  readFileSync('x');
  await sleep(0);
}
void main;
