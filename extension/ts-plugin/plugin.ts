// The TypeScript server plugin's behaviour, apart from where its files are (index.ts gives the
// packaged locations; tests give a source checkout's):
// - `import ... from 'coroscope'` resolves to the typings inside the extension, unless the project
//   resolves 'coroscope' itself (a checkout, node_modules);
// - a project without Node's declarations of its own gets the shipped @types/node (node-types.ts).
// It only adds what is missing: every other resolution and file list is the host's own.
import { resolveCoroscope } from '../typings';
import { projectHasNodeTypes, shippedNodeTypes } from './node-types';

type TS = typeof import('typescript');
type PluginCreateInfo = import('typescript').server.PluginCreateInfo;
type LanguageService = import('typescript').LanguageService;
type Host = import('typescript').LanguageServiceHost;

export interface PluginLocations {
  /** The file 'coroscope' resolves to (dist/types/index.d.ts when packaged). */
  readonly coroscopeEntry: string;
  /** The folder holding node_modules/@types/node and node_modules/undici-types. */
  readonly nodeTypesDir: string;
}

export interface PluginModule {
  create(info: PluginCreateInfo): LanguageService;
}

/** The plugin's init function (what tsserver calls with its own `typescript` module). */
export function pluginFactory(locations: PluginLocations): (modules: { typescript: TS }) => PluginModule {
  return ({ typescript: ts }) => ({
    create(info) {
      const host = info.languageServiceHost as Host;
      const log = (msg: string) => info.project.projectService.logger.info(`[coroscope] ${msg}`);
      provideCoroscope(host, locations.coroscopeEntry, log);
      provideNodeTypes(ts, host, locations.nodeTypesDir, log);
      return info.languageService;
    },
  });
}

function provideCoroscope(host: Host, entry: string, log: (msg: string) => void): void {
  const original = host.resolveModuleNameLiterals?.bind(host);
  if (!original) {
    log('this TypeScript version has no resolveModuleNameLiterals; coroscope typings not provided');
    return;
  }
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, options, sourceFile, reused) => {
    const results = original(literals, containingFile, redirected, options, sourceFile, reused);
    return results.map((result, i) => {
      if (result.resolvedModule) return result;
      const own = resolveCoroscope(literals[i]!.text, entry);
      return own ? { resolvedModule: own } : result;
    });
  };
  log(`resolving 'coroscope' to ${entry}`);
}

function provideNodeTypes(ts: TS, host: Host, dir: string, log: (msg: string) => void): void {
  const entry = shippedNodeTypes(ts, host, dir);
  if (!entry) {
    log(`no @types/node under ${dir}; Node's declarations not provided`);
    return;
  }
  const original = host.getScriptFileNames.bind(host);
  let providing: boolean | undefined;
  // Asked again for every program: the user may install @types/node (or ATA may) at any time.
  host.getScriptFileNames = () => {
    const names = original();
    const provide = !projectHasNodeTypes(ts, host, names);
    if (provide !== providing) log(provide ? `no @types/node in the project: using ${entry}` : "the project's own @types/node is used");
    providing = provide;
    return provide ? [...names, entry] : names;
  };
}
