// The sub-exceptions of an ExceptionGroup as the exception widget shows them: a line each in the
// description (the widget shows no innerException), and DAP's ExceptionDetails.innerException.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ExceptionPart } from '../runtime/traceback';

export type { ExceptionPart };

/** `1. QuotaExceeded: holiday.mov is 240 MB… (task 'upload holiday.mov', at upload (/w/p.ts:11))`, nested groups indented. */
export function partLines(parts: readonly ExceptionPart[], indent: string): string[] {
  return parts.flatMap((p, i) => [
    `${indent}${i + 1}. ${p.typeName}: ${p.message}${p.task !== undefined ? ` (in task '${p.task}'${p.awaitChain.length ? `, at ${p.awaitChain[p.awaitChain.length - 1]}` : ''})` : ''}`,
    ...(p.parts ? partLines(p.parts, indent + '   ') : []),
  ]);
}

/** A sub-exception as DAP's ExceptionDetails: its stack trace is the task that raised it, then its await chain. */
export function innerException(p: ExceptionPart): DebugProtocol.ExceptionDetails {
  const trace = [...(p.task !== undefined ? [`    in task '${p.task}'`] : []), ...[...p.awaitChain].reverse().map((c) => `    at ${c}`)];
  return {
    message: p.message,
    typeName: p.typeName,
    ...(trace.length ? { stackTrace: trace.join('\n') } : {}),
    ...(p.parts ? { innerException: p.parts.map(innerException) } : {}),
  };
}
