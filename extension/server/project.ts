// A TypeScript language service over the editor's open documents (falling back to the disk), with
// `coroscope` resolved to the runtime's typings so programs type-check with nothing installed.
import ts from 'typescript';
import { dirname, join } from 'node:path';
import { ConfigError, forgetProjectConfigs } from '../../runtime/loader/project-config';
import { resolveAlias } from '../../runtime/loader/ts-resolve';
import { resolveCoroscope } from '../typings';

export interface ProjectOptions {
  /** The file `import ... from 'coroscope'` resolves to (index.d.ts of the typings, or runtime/index.ts). */
  readonly coroscopeEntry: string;
  /** Compiler options to start from; the defaults suit a coroscope program. */
  readonly compilerOptions?: ts.CompilerOptions;
}

export const DEFAULT_COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  lib: ['lib.es2023.d.ts'],
  strict: true,
  allowJs: true,
  checkJs: false,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
};

/**
 * The set of files the editor has open, as one program.
 * Invariant: `#texts` holds exactly the open documents (every other file is read from the disk);
 * `#versions` bumps only when a text changes and keeps counting across close and reopen, so the
 * language service re-reads exactly the files that changed.
 */
export class Project {
  readonly #texts = new Map<string, string>();
  readonly #versions = new Map<string, number>();
  #service: ts.LanguageService;
  readonly #options: ts.CompilerOptions;
  readonly #entry: string;

  constructor(options: ProjectOptions) {
    this.#entry = options.coroscopeEntry;
    this.#options = { ...DEFAULT_COMPILER_OPTIONS, ...options.compilerOptions };
    this.#service = this.#createService();
  }

  /**
   * A tsconfig.json was created, changed or deleted: its `paths` aliases are read again, and every
   * import is resolved again (the language service keeps the resolutions of files whose text did
   * not change, so it is made anew; the open documents stay).
   */
  configChanged(): void {
    forgetProjectConfigs();
    this.#service.dispose();
    this.#service = this.#createService();
  }

  #createService(): ts.LanguageService {
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => this.#options,
      getScriptFileNames: () => [...this.#texts.keys()],
      getScriptVersion: (f) => String(this.#versions.get(f) ?? 0),
      getScriptSnapshot: (f) => {
        const text = this.#texts.get(f) ?? ts.sys.readFile(f);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => (this.#texts.size ? dirname([...this.#texts.keys()][0]!) : process.cwd()),
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => this.#texts.has(f) || ts.sys.fileExists(f),
      readFile: (f) => this.#texts.get(f) ?? ts.sys.readFile(f),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      resolveModuleNameLiterals: (literals, containingFile, redirected, options) =>
        literals.map((lit) => {
          const own = resolveCoroscope(lit.text, this.#entry);
          if (own) return { resolvedModule: own };
          const resolved = ts.resolveModuleName(lit.text, containingFile, options, host, undefined, redirected);
          if (resolved.resolvedModule) return resolved;
          // The project's tsconfig `paths`, as the loader resolves them when the program runs.
          const alias = aliasOf(lit.text, containingFile);
          return alias ? { resolvedModule: { resolvedFileName: alias, extension: extensionOf(alias), isExternalLibraryImport: false } } : resolved;
        }),
    };
    return ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  /** Sets the text of an open document (a path on disk, even if unsaved). */
  set(path: string, text: string): void {
    if (this.#texts.get(path) === text) return;
    this.#texts.set(path, text);
    this.#versions.set(path, (this.#versions.get(path) ?? 0) + 1);
  }

  close(path: string): void {
    this.#texts.delete(path);
  }

  has(path: string): boolean {
    return this.#texts.has(path);
  }

  program(): ts.Program {
    const program = this.#service.getProgram();
    if (!program) throw new Error('the language service has no program');
    return program;
  }

  /** The folder of the runtime's typings (or sources). */
  get runtimeDir(): string {
    return dirname(this.#entry);
  }

  sourceFile(path: string): ts.SourceFile | undefined {
    return this.program().getSourceFile(path);
  }

  dispose(): void {
    this.#service.dispose();
  }
}

/** TypeScript's name for a source file's kind (the alias resolver finds only these). */
function extensionOf(file: string): ts.Extension {
  const known = [ts.Extension.Dts, ts.Extension.Dmts, ts.Extension.Dcts, ts.Extension.Mts, ts.Extension.Cts, ts.Extension.Tsx, ts.Extension.Ts, ts.Extension.Json];
  return known.find((e) => file.endsWith(e)) ?? ts.Extension.Ts;
}

/** The entry a source checkout resolves 'coroscope' to (runtime/index.ts), for tests. */
export function sourceCheckoutEntry(root: string): string {
  return join(root, 'runtime', 'index.ts');
}

/**
 * Where a tsconfig `paths` alias leads, or null. A tsconfig.json the loader cannot read (one being
 * typed, half a JSON object) gives no alias here: the running program reports it, and the editor
 * goes on checking the file with the imports tsc resolves.
 */
function aliasOf(specifier: string, containingFile: string): string | null {
  try {
    return resolveAlias(specifier, containingFile)?.file ?? null;
  } catch (err) {
    if (err instanceof ConfigError) return null;
    throw err;
  }
}
