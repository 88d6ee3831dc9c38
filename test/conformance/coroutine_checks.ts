// sleep(0) is a coroutine a program can hold and close; isCoroutineFunction holds for async
// functions (and sleep), not for plain functions, arrows or async generator functions.
import { RuntimeError, isCoroutine, isCoroutineFunction, run, sleep, type Coroutine } from 'coroscope';
import { describe } from './_support';

async function compute() {
  return 1;
}

function plain() {
  return 1;
}

async function* agen() {
  yield 1;
}

async function main() {
  const s = sleep(0);
  console.log('iscoroutine(sleep(0)):', isCoroutine(s));
  (s as unknown as Coroutine<void>).close();
  try {
    await s;
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    console.log('awaiting a closed sleep(0):', describe(e));
  }
  console.log('iscoroutinefunction(compute):', isCoroutineFunction(compute));
  console.log('iscoroutinefunction(sleep):', isCoroutineFunction(sleep));
  console.log('iscoroutinefunction(plain):', isCoroutineFunction(plain));
  console.log('iscoroutinefunction(lambda):', isCoroutineFunction(() => compute()));
  console.log('iscoroutinefunction(agen):', isCoroutineFunction(agen));
  const c = compute();
  console.log('iscoroutine(compute()):', isCoroutine(c));
  console.log('result:', await c);
}

run(main());
