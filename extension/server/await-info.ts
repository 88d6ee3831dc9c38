// The static hover on `await` (no debug session needed): what is awaited, its type, what the await
// yields, and one line on what the task does there.
import ts from 'typescript';
import type { AnalyzeOptions } from './analysis';
import { article, awaitability, calleeName, makesCoroutine, normalizeDir, shorten, typeName } from './type-facts';

export interface AwaitInfo {
  /** The awaited expression's text, shortened. */
  readonly awaited: string;
  readonly type: string;
  /** What the await yields when the task resumes. */
  readonly resultType: string | undefined;
  /** One line on what the task does at this await. */
  readonly explanation: string;
  /** The `await` keyword's span. */
  readonly start: number;
  readonly length: number;
}

/** Describes the await whose `await` keyword is at `offset`, or undefined. */
export function describeAwaitAt(program: ts.Program, file: ts.SourceFile, offset: number, options: AnalyzeOptions = {}): AwaitInfo | undefined {
  const node = findAwaitKeyword(file, offset);
  if (!node) return undefined;
  const checker = program.getTypeChecker();
  const type = checker.getTypeAtLocation(node.expression);
  const awaitedType = awaitability(type, checker) === 'never' ? undefined : checker.getAwaitedType(type);
  return {
    awaited: shorten(node.expression.getText(file)),
    type: checker.typeToString(type),
    resultType: awaitedType ? checker.typeToString(awaitedType) : undefined,
    explanation: explainAwait(node, checker, file, normalizeDir(options.runtimeDir)),
    start: node.getStart(file),
    length: 'await'.length,
  };
}

function findAwaitKeyword(file: ts.SourceFile, offset: number): ts.AwaitExpression | undefined {
  let found: ts.AwaitExpression | undefined;
  const visit = (n: ts.Node): void => {
    if (offset < n.getFullStart() || offset > n.getEnd()) return;
    if (ts.isAwaitExpression(n)) {
      const start = n.getStart(file);
      if (offset >= start && offset <= start + 'await'.length) found = n;
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return found;
}

/** One line on what the task does at this await, from what is awaited. */
function explainAwait(node: ts.AwaitExpression, checker: ts.TypeChecker, file: ts.SourceFile, runtimeDir: string | undefined): string {
  let expr: ts.Expression = node.expression;
  while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
  const type = checker.getTypeAtLocation(expr);
  const kind = awaitability(type, checker);
  if (kind === 'never') return `This raises TypeError: ${article(checker.typeToString(checker.getBaseTypeOfLiteralType(type)))} ${checker.typeToString(checker.getBaseTypeOfLiteralType(type))} cannot be awaited.`;
  if (ts.isCallExpression(expr)) {
    const name = calleeName(expr);
    const args = expr.arguments;
    const receiver = ts.isPropertyAccessExpression(expr.expression) ? typeName(checker.getTypeAtLocation(expr.expression.expression)) : undefined;
    const arg0 = args[0]?.getText(file);
    switch (receiver ? `${receiver}.${name}` : name) {
      case 'sleep':
        return arg0 === '0' ? 'The task yields for one loop iteration: every other ready task runs once, then it continues.' : `The task suspends until a timer fires ${arg0 ?? '?'} s from now; other tasks run meanwhile.`;
      case 'gather':
        return `The task suspends until all ${args.length} awaitables finish (the first exception propagates).`;
      case 'wait':
        return 'The task suspends until the given tasks finish (or the first one does, per returnWhen).';
      case 'waitFor':
        return `The task suspends until ${args[0] ? shorten(args[0].getText(file), 30) : 'it'} finishes or ${args[1]?.getText(file) ?? '?'} s pass (then it is cancelled and TimeoutError is raised).`;
      case 'shield':
        return 'The task suspends until the shielded awaitable finishes; cancelling this task does not cancel it.';
      case 'Queue.get': case 'PriorityQueue.get': case 'LifoQueue.get':
        return 'The task suspends until another task puts an item in the queue.';
      case 'Queue.put': case 'PriorityQueue.put': case 'LifoQueue.put':
        return 'The task suspends until the queue has room (another task gets an item).';
      case 'Queue.join': case 'PriorityQueue.join': case 'LifoQueue.join':
        return 'The task suspends until every item put in the queue is marked done.';
      case 'Lock.acquire':
        return 'The task suspends until the lock is free, then holds it.';
      case 'Semaphore.acquire': case 'BoundedSemaphore.acquire':
        return 'The task suspends until the semaphore has a free slot.';
      case 'Event.wait':
        return 'The task suspends until another task sets the event.';
      case 'Condition.wait':
        return 'The task releases the lock and suspends until another task notifies the condition.';
      case 'StreamReader.read': case 'StreamReader.readline': case 'StreamReader.readexactly': case 'StreamReader.readuntil':
        return 'The task suspends until data arrives on the connection (its fd becomes readable in the selector).';
      case 'StreamWriter.drain':
        return "The task suspends until the connection's send buffer drains (its fd becomes writable).";
      case 'openConnection':
        return 'The task suspends until the non-blocking connect completes (the socket becomes writable).';
      case 'EventLoop.sockRecv': case 'EventLoop.sockRecvInto': case 'EventLoop.sockAccept':
        return 'The task suspends until the socket is readable in the selector.';
      case 'EventLoop.sockSendall': case 'EventLoop.sockConnect':
        return 'The task suspends until the socket is writable in the selector.';
    }
    if (makesCoroutine(expr, checker, runtimeDir)) {
      return `${name ?? 'The coroutine'}() runs on this same task (pushed on its coroutine stack, no new task); the task continues here when it returns.`;
    }
  }
  const name = typeName(type);
  if (name === 'Task') return 'The task suspends until that task finishes, then takes its result (or its exception).';
  if (name === 'Future') return 'The task suspends until someone sets the future\'s result or exception.';
  if (name === 'Coroutine') return 'The coroutine runs on this same task; the task continues here when it returns.';
  if (name === 'Promise') return "The task suspends until the promise settles on Node's loop; it then resumes on the coroscope loop.";
  return 'The task suspends until the awaited value completes; other tasks run meanwhile.';
}
