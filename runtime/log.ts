// Where the runtime's warnings and error reports go: stderr by default, replaceable for tests.

export type LogSink = (line: string) => void;

let sink: LogSink = (line) => process.stderr.write(line.endsWith('\n') ? line : line + '\n');

export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}

export function log(line: string): void {
  sink(line);
}

/** A warning in Python's format: `file:line: Category: message`. */
export function warn(category: string, message: string, where?: string): void {
  sink(where ? `${where}: ${category}: ${message}` : `${category}: ${message}`);
}
