// Coroscope: Run Program — the program runs under the coroscope CLI in a terminal of its own. The
// process is spawned with an argument array (no shell, so no quoting per shell), its output is shown
// as it comes, and the terminal stays open after it exits with the exit status.
import * as vscode from 'vscode';
import { spawn, type ChildProcess } from 'node:child_process';

export interface ProgramRun {
  readonly executable: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: Record<string, string>;
}

/** Invariant: `#child` is the running program between open() and its exit, and undefined otherwise. */
class ProgramTerminal implements vscode.Pseudoterminal {
  readonly #write = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.#write.event;
  readonly #run: ProgramRun;
  #child: ChildProcess | undefined;

  constructor(run: ProgramRun) {
    this.#run = run;
  }

  open(): void {
    const { executable, args, cwd, env } = this.#run;
    const child = spawn(executable, [...args], { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'], shell: false });
    this.#child = child;
    const show = (chunk: Buffer) => this.#write.fire(chunk.toString('utf8').replace(/\r?\n/g, '\r\n'));
    child.stdout?.on('data', show);
    child.stderr?.on('data', show);
    child.on('error', (err) => this.#write.fire(`\r\ncannot start ${executable}: ${err.message}\r\n`));
    child.on('exit', (code, signal) => {
      this.#child = undefined;
      this.#write.fire(`\r\n[the program exited: ${signal ?? `exit code ${code}`}]\r\n`);
    });
  }

  handleInput(data: string): void {
    if (!this.#child) return;
    if (data === '\x03') this.#child.kill('SIGINT'); // Ctrl+C: KeyboardInterrupt, as in a shell
    else {
      this.#write.fire(data === '\r' ? '\r\n' : data); // the program reads lines; echo what is typed
      this.#child.stdin?.write(data === '\r' ? '\n' : data);
    }
  }

  close(): void {
    this.#child?.kill();
  }
}

export function runInTerminal(name: string, run: ProgramRun): vscode.Terminal {
  const terminal = vscode.window.createTerminal({ name, pty: new ProgramTerminal(run) });
  terminal.show();
  return terminal;
}
