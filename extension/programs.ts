// Facts about a user's program and machine that the extension and the language server share; no
// VS Code import, so they are unit-tested directly.
import { statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** True when the text imports or requires 'coroscope' (or a 'coroscope/<module>'). */
export function importsCoroscope(text: string): boolean {
  return /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s*)['"]coroscope(?:\/[^'"]*)?['"]/m.test(text);
}

/** `node` on PATH, or undefined. */
export function findNodeOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const names = process.platform === 'win32' ? ['node.exe'] : ['node'];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // not in this directory
      }
    }
  }
  return undefined;
}

/** The launch-configuration fields withRuntime() reads and sets. */
export interface RuntimeFields {
  request?: string;
  runtimeExecutable?: unknown;
  env?: Record<string, string | null>;
}

/**
 * Fills in the runtime of a launch configuration: a configured `runtimeExecutable` is kept (unless
 * it is the default `node` and there is none); otherwise `node` on PATH; otherwise the editor's own
 * executable run as plain Node (ELECTRON_RUN_AS_NODE=1), which the adapter spawns as it is.
 */
export function withRuntime<C extends RuntimeFields>(config: C, env: NodeJS.ProcessEnv = process.env, editorExecutable = process.execPath): C {
  if (config.request !== 'launch') return config;
  const configured = typeof config.runtimeExecutable === 'string' && config.runtimeExecutable !== '' ? config.runtimeExecutable : undefined;
  const node = findNodeOnPath(env);
  if (configured && (configured !== 'node' || node)) return config;
  if (node) return { ...config, runtimeExecutable: node };
  return { ...config, runtimeExecutable: editorExecutable, env: { ...(config.env ?? {}), ELECTRON_RUN_AS_NODE: '1' } };
}
