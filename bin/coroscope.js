#!/usr/bin/env node
'use strict';
// The coroscope command. The runtime is compiled into dist/ by `npm run build`; the CLI's start path
// is one file there (dist/runtime/cli.js and the loader's modules, bundled: scripts/build.mjs).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'dist', 'runtime', 'loader', 'cli-bundle.js');
if (!existsSync(cli)) {
  process.stderr.write(`coroscope: ${cli} is missing: run \`npm run build\` in ${join(__dirname, '..')} first\n`);
  process.exit(2);
}
require(cli).main(process.argv.slice(2));
