#!/usr/bin/env node
// A native-style `solc` command on top of solcjs (npm `solc`), for py-solc-x / ape-solidity / slither.
//
// Why: these machines cannot download native compilers, and the solcjs CLI prints a non-JSON line
// on stdout in --standard-json mode, which py-solc-x cannot parse. This wrapper answers the two
// calls py-solc-x makes (`--version` and `--standard-json`) and writes nothing but JSON to stdout.
// Imports are resolved against --base-path, every --include-path, the project root and
// node_modules; compiler errors come back inside the JSON, exactly as solc reports them.
'use strict';
const fs = require('fs');
const path = require('path');

const projectRoot = path.resolve(__dirname, '..');
const solc = require(path.join(projectRoot, 'node_modules', 'solc'));

const args = process.argv.slice(2);
const roots = [];
let standardJson = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--version' || a === '-v') {
    process.stdout.write('solc, the solidity compiler commandline interface\nVersion: ' + solc.version() + '\n');
    process.exit(0);
  } else if (a === '--standard-json') {
    standardJson = true;
  } else if (a === '--base-path' || a === '--include-path') {
    roots.push(args[++i]);
  } else if (a.startsWith('--base-path=') || a.startsWith('--include-path=')) {
    roots.push(a.slice(a.indexOf('=') + 1));
  } else if (a === '--allow-paths') {
    i++; // solcjs reads files only through the callback below, which stays inside the roots.
  }
}
if (!standardJson) {
  process.stderr.write('solc wrapper: only --version and --standard-json are supported\n');
  process.exit(2);
}
roots.push(process.cwd(), projectRoot, path.join(projectRoot, 'node_modules'));

function findImport(importPath) {
  const candidates = path.isAbsolute(importPath)
    ? [importPath]
    : roots.map((r) => path.resolve(r, importPath));
  for (const candidate of candidates) {
    try {
      return { contents: fs.readFileSync(candidate, 'utf8') };
    } catch (_) { /* try the next root */ }
  }
  return { error: 'File not found: ' + importPath + ' (searched ' + roots.join(', ') + ')' };
}

const input = fs.readFileSync(0, 'utf8');
const output = solc.compile(input, { import: findImport });
process.stdout.write(output);
