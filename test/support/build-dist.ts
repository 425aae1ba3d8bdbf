/**
 * Vitest global set-up shared by both projects: compiles the sources to dist/ (tsconfig.build.json, incremental)
 * so every test that spawns bin/daneel.js runs the code under test, never a stale build. Also refuses a Node.js
 * older than the one daneel needs, since those tests spawn daneel with the Node.js running vitest.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const MIN_NODE_MAJOR = 24;
const root = fileURLToPath(new URL('../..', import.meta.url));

export default function setup(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < MIN_NODE_MAJOR) {
    throw new Error(`tests need Node.js >= ${MIN_NODE_MAJOR} (this is ${process.version}): PATH="$(tools/node24.sh):$PATH" npx vitest …`);
  }
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  writeFileSync(`${root}/dist/.built`, `${new Date().toISOString()}\n`);
}
