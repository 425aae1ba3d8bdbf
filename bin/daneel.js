#!/usr/bin/env node
// Runs the compiled CLI (dist/, made by `npm run build`): no TypeScript transpiler at run time.
// Refuses, with what to do, an old Node.js, a missing build, or a build older than the sources in a checkout.
import { existsSync, statSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** package.json "engines": Node.js 20 reached end of life in April 2026. */
const MIN_NODE_MAJOR = 24;
const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'dist', 'cli', 'main.js');
/** Touched by `npm run build` after tsc succeeds (tsc --incremental does not rewrite unchanged outputs). */
const stamp = join(root, 'dist', '.built');
/** The folders compiled by tsconfig.build.json. */
const SOURCE_DIRS = ['resolver', 'cache', 'anchors', 'dane', 'server', 'cli'];

function fail(message) {
  process.stderr.write(`daneel: ${message}\n`);
  process.exit(1);
}

/** Newest modification time of a .ts file under the source folders (0 in an install without sources). */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of SOURCE_DIRS) walk(join(root, d));
  return newest;
}

const major = Number(process.versions.node.split('.')[0]);
if (major < MIN_NODE_MAJOR) {
  fail(`needs Node.js >= ${MIN_NODE_MAJOR} (this is ${process.version}); ` +
    `\`tools/node24.sh\` installs it under tools/node24 (see README "Two commands")`);
}
if (!existsSync(entry) || !existsSync(stamp)) fail(`no build in ${join(root, 'dist')}: run \`npm run build\` in ${root}`);
if (newestSource() > statSync(stamp).mtimeMs) {
  fail(`the build in ${join(root, 'dist')} is older than the TypeScript sources: run \`npm run build\` in ${root}`);
}
await import(new URL('../dist/cli/main.js', import.meta.url).href);
