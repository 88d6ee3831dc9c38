// The quick fixes that make a coroutine run, shared by the checks for a dropped call (analysis.ts)
// and for a coroutine kept in a variable nobody uses (coroutine-variable.ts).
import ts from 'typescript';
import type { Fix } from './analysis';
import { shorten } from './type-facts';
import { coroscopeImportEdit, enclosingFunction, insideAsyncFunction, type Edit, type Imports } from './syntax';

/** The fixes that make a coroutine `call` run: await it or make it a task (in an async function), or run(...) it at the top level. */
export function runCoroutineFixes(call: ts.CallExpression, callee: string, at: ts.Node, imports: Imports, file: ts.SourceFile): Fix[] {
  if (insideAsyncFunction(at)) {
    return [
      { title: `Add 'await' (run ${callee} on this task)`, edits: [{ start: call.getStart(file), length: 0, newText: 'await ' }], preferred: true },
      { title: `Wrap in createTask(...) (run ${callee} as a new task)`, edits: wrapEdits(call, 'createTask', imports, file) },
    ];
  }
  if (enclosingFunction(at) === undefined) {
    return [{ title: `Wrap in run(...) (start an event loop for ${callee})`, edits: wrapEdits(call, 'run', imports, file), preferred: true }];
  }
  return [];
}

function wrapEdits(expr: ts.Expression, fn: 'createTask' | 'run', imports: Imports, file: ts.SourceFile): Edit[] {
  const edits: Edit[] = [
    { start: expr.getStart(file), length: 0, newText: `${fn}(` },
    { start: expr.getEnd(), length: 0, newText: ')' },
  ];
  if (!imports.named.has(fn)) edits.unshift(coroscopeImportEdit(fn, imports, file));
  return edits;
}

export function calleeText(call: ts.CallExpression, file: ts.SourceFile): string {
  return `${shorten(call.expression.getText(file), 40)}()`;
}
