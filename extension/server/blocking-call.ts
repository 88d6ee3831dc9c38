// Blocking calls (fs.*Sync, child_process.*Sync, Atomics.wait) in an async function or in a callback
// inside one: while they run, every task and the event loop stand still. Where `await` is valid, the
// common fs calls get a quick fix to their promise form.
import ts from 'typescript';
import type { Finding, Fix } from './analysis';
import { asAwaitReplacing, insideAsyncFunction, namedImportEdit, requiredModule, isBlockingModule, withinAsyncFunction, type Edit, type Imports } from './syntax';

/** fs's synchronous calls with a same-named promise form in fs/promises (existsSync has none). */
const FS_PROMISE_FORMS = new Set([
  'access', 'appendFile', 'chmod', 'chown', 'copyFile', 'cp', 'lchown', 'link', 'lstat', 'mkdir', 'mkdtemp', 'opendir',
  'readFile', 'readdir', 'readlink', 'realpath', 'rename', 'rm', 'rmdir', 'stat', 'statfs', 'symlink', 'truncate',
  'unlink', 'utimes', 'writeFile',
]);

/** How the blocking function was reached: `fs.readFileSync` (namespace) or `readFileSync` (named). */
type Callee =
  | { readonly kind: 'member'; readonly shown: string; readonly namespace: string | undefined; readonly fs: boolean; readonly name: string }
  | { readonly kind: 'named'; readonly shown: string; readonly module: string; readonly name: string }
  | { readonly kind: 'atomics'; readonly shown: string };

export function checkBlockingCall(call: ts.CallExpression, imports: Imports, out: Finding[], file: ts.SourceFile): void {
  if (!withinAsyncFunction(call)) return;
  const callee = blockingCallee(call.expression, imports);
  if (!callee) return;
  const awaitValid = insideAsyncFunction(call);
  const fix = awaitValid ? promiseFormFix(call, callee, imports, file) : undefined;
  out.push({
    check: 'blocking-call',
    severity: 'warning',
    message:
      `${callee.shown} blocks the thread: while it runs, every task and the event loop stand still. ` + advice(callee) +
      (awaitValid ? '' : " This callback is not async, so it cannot await: make it async and await its results (e.g. with gather(...))."),
    start: call.getStart(file),
    length: call.getEnd() - call.getStart(file),
    fixes: fix ? [fix] : [],
  });
}

function blockingCallee(callee: ts.Expression, imports: Imports): Callee | undefined {
  if (ts.isPropertyAccessExpression(callee)) {
    const name = callee.name.text;
    const target = callee.expression;
    if (ts.isIdentifier(target) && target.text === 'Atomics' && name === 'wait') return { kind: 'atomics', shown: 'Atomics.wait()' };
    if (!name.endsWith('Sync')) return undefined;
    // fs.readFileSync; fs.promises is fine; cp.execSync; require('fs').readFileSync.
    if (ts.isIdentifier(target) && imports.namespaces.has(target.text)) {
      return { kind: 'member', shown: `${target.text}.${name}()`, namespace: target.text, fs: imports.fsNamespaces.has(target.text), name };
    }
    const required = ts.isCallExpression(target) ? requiredModule(target) : undefined;
    if (required && isBlockingModule(required)) return { kind: 'member', shown: `${name}()`, namespace: undefined, fs: required.endsWith('fs'), name };
    return undefined;
  }
  if (ts.isIdentifier(callee) && callee.text.endsWith('Sync')) {
    const module = imports.blockingNamed.get(callee.text);
    if (module) return { kind: 'named', shown: `${callee.text}()`, module, name: callee.text };
  }
  return undefined;
}

function advice(callee: Callee): string {
  if (callee.kind === 'atomics') return 'Await a Future or an Event instead.';
  if (/exec|spawn/i.test(callee.name)) return "Use child_process's asynchronous form and await it.";
  return 'Use the promise form (fs/promises) and await it.';
}

/**
 * `fs.readFileSync(p)` → `await fs.promises.readFile(p)`; `readFileSync(p)` imported by name →
 * `await readFile(p)` with readFile imported from fs/promises. Only for fs calls with a promise form.
 */
function promiseFormFix(call: ts.CallExpression, callee: Callee, imports: Imports, file: ts.SourceFile): Fix | undefined {
  if (callee.kind === 'atomics') return undefined;
  const base = callee.name.slice(0, -'Sync'.length);
  if (!FS_PROMISE_FORMS.has(base)) return undefined;
  const args = call.arguments.map((a) => a.getText(file)).join(', ');
  let replacement: string;
  const edits: Edit[] = [];
  if (callee.kind === 'member') {
    if (!callee.fs || !callee.namespace) return undefined;
    replacement = `await ${callee.namespace}.promises.${base}(${args})`;
  } else {
    if (!callee.module.endsWith('fs')) return undefined;
    replacement = `await ${base}(${args})`;
    if (!imports.promisesNamed.has(base)) {
      // A different `readFile` already in the file would be shadowed or clash: leave it to the user.
      if (declaresName(file, base)) return undefined;
      edits.push(namedImportEdit(base, `${callee.module}/promises`, imports.promisesNamedImports, file));
    }
  }
  const text = asAwaitReplacing(call, replacement);
  edits.push({ start: call.getStart(file), length: call.getEnd() - call.getStart(file), newText: text });
  return { title: `Use ${replacement}`, edits, preferred: true };
}

/** True when `name` is bound at the top level of `file` (an import, function, class or variable). */
function declaresName(file: ts.SourceFile, name: string): boolean {
  const bound = (n: ts.BindingName | undefined): boolean =>
    n !== undefined && (ts.isIdentifier(n) ? n.text === name : n.elements.some((el) => !ts.isOmittedExpression(el) && bound(el.name)));
  return file.statements.some((stmt) => {
    if (ts.isImportDeclaration(stmt)) {
      const clause = stmt.importClause;
      const b = clause?.namedBindings;
      return clause?.name?.text === name || (b !== undefined && (ts.isNamespaceImport(b) ? b.name.text === name : b.elements.some((el) => el.name.text === name)));
    }
    if (ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt) || ts.isImportEqualsDeclaration(stmt)) return stmt.name?.text === name;
    if (ts.isVariableStatement(stmt)) return stmt.declarationList.declarations.some((d) => bound(d.name));
    return false;
  });
}
