// TypeScript server plugin (contributes.typescriptServerPlugins): makes `import ... from 'coroscope'`
// resolve to the typings inside the extension, so a user's program type-checks in the editor with
// nothing installed. A project that resolves 'coroscope' itself (a checkout, node_modules) wins.
// Packaged as node_modules/coroscope-typescript-plugin/index.js; typings at ../../dist/types.
import { join } from 'node:path';
import { resolveCoroscope } from '../typings';

type TS = typeof import('typescript');
type PluginCreateInfo = import('typescript').server.PluginCreateInfo;
type LanguageService = import('typescript').LanguageService;
type Host = import('typescript').LanguageServiceHost;

function init(_modules: { typescript: TS }): { create(info: PluginCreateInfo): LanguageService } {
  return {
    create(info) {
      const entry = join(__dirname, '..', '..', 'dist', 'types', 'index.d.ts');
      const host = info.languageServiceHost as Host;
      const log = (msg: string) => info.project.projectService.logger.info(`[coroscope] ${msg}`);
      const original = host.resolveModuleNameLiterals?.bind(host);
      if (original) {
        host.resolveModuleNameLiterals = (literals, containingFile, redirected, options, sourceFile, reused) => {
          const results = original(literals, containingFile, redirected, options, sourceFile, reused);
          return results.map((result, i) => {
            if (result.resolvedModule) return result;
            const own = resolveCoroscope(literals[i]!.text, entry);
            return own ? { resolvedModule: own } : result;
          });
        };
        log(`resolving 'coroscope' to ${entry}`);
      } else {
        log('this TypeScript version has no resolveModuleNameLiterals; coroscope typings not provided');
      }
      return info.languageService;
    },
  };
}

module.exports = init;
