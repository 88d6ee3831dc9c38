// An ES module with top-level await: its body runs as the program's main task.
import { currentTask, sleep } from 'coroscope';

const greeting = 'hello from an ES module';
await sleep(0.05);
const name = currentTask()?.getName();
console.log(`${greeting}: the body ran as task ${name}`); // BREAKPOINT
