// The debug adapter as a stdio executable: `node dist/debug-adapter/main.js` speaks DAP on
// stdin/stdout (VS Code's "executable" adapter, and the tests' DebugClient). With
// COROSCOPE_DAP_LOG=<file>, failures of the adapter process itself are appended to that file.
import { appendFileSync } from 'node:fs';
import { DebugSession } from '@vscode/debugadapter';
import { CoroscopeSession } from './session';

const logFile = process.env.COROSCOPE_DAP_LOG;
if (logFile) {
  const log = (text: string) => appendFileSync(logFile, `[${new Date().toISOString()}] ${text}\n`);
  process.on('uncaughtException', (err) => log(`uncaught: ${err.stack ?? err}`));
  process.on('unhandledRejection', (err) => log(`unhandled rejection: ${(err as Error)?.stack ?? err}`));
  process.on('exit', (code) => log(`exit ${code}`));
}
DebugSession.run(CoroscopeSession);
