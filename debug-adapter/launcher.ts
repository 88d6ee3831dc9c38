// Starting the debuggee and finding its inspector: launch spawns `node --inspect-brk=127.0.0.1:0`
// (an argument array, never a shell) and reads the WebSocket URL the inspector prints on stderr;
// attach asks a running inspector's /json/list on a loopback port.
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';

export interface LaunchedProcess {
  child: ChildProcess;
  wsUrl: string;
}

/** Lines the inspector itself prints on stderr: not the program's output. */
export const INSPECTOR_NOISE = /^(Debugger listening on ws:\/\/\S+|For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector|Debugger attached\.|Debugger ending on ws:\/\/\S+|Waiting for the debugger to disconnect\.\.\.)\s*$/;

/**
 * Spawns the runtime under the inspector, paused before the first line. `onStderr` gets every
 * stderr chunk (including the inspector's banner) as it arrives; stdout is left to the caller.
 */
export function spawnInspected(
  runtimeExecutable: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
  onStderr: (text: string) => void,
): Promise<LaunchedProcess> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(runtimeExecutable, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    } catch (err) {
      reject(new Error(`cannot start '${runtimeExecutable}': ${(err as Error).message}`));
      return;
    }
    let settled = false;
    let buffered = '';
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`'${runtimeExecutable}' did not open its inspector within ${options.timeoutMs ?? 10000} ms`), options.timeoutMs ?? 10_000);
    child.once('error', (err: NodeJS.ErrnoException) => {
      fail(err.code === 'ENOENT' ? `runtime executable '${runtimeExecutable}' was not found (set "runtimeExecutable" to the path of node)` : `cannot start '${runtimeExecutable}': ${err.message}`);
    });
    child.once('exit', (code, signal) => {
      if (!settled) fail(`'${runtimeExecutable}' exited before its inspector started (${signal ?? `exit code ${code}`})${buffered ? `: ${buffered.trim()}` : ''}`);
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      onStderr(chunk);
      if (settled) return;
      buffered += chunk;
      const m = /Debugger listening on (ws:\/\/\S+)/.exec(buffered);
      if (m) {
        settled = true;
        clearTimeout(timer);
        resolve({ child, wsUrl: m[1]! });
      }
    });
  });
}

/** The WebSocket URL of the first target of an inspector listening on host:port. */
export function findInspectorUrl(host: string, port: number, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host, port, path: '/json/list', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          const targets = JSON.parse(body) as { webSocketDebuggerUrl?: string }[];
          const url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
          if (url) resolve(url);
          else reject(new Error(`the inspector at ${host}:${port} lists no debuggable target`));
        } catch {
          reject(new Error(`${host}:${port} did not answer like a V8 inspector`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => reject(new Error(`cannot reach an inspector at ${host}:${port}: ${err.message} (start the program with \`coroscope run --inspect=${port} prog.ts\`)`)));
  });
}
