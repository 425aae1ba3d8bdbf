/**
 * `npm run conformance`: replays Deckard's resolver scenarios (shared/conformance, beside the repository) against
 * this checkout's `daneel serve` with the `rplrun` harness, and compares the outcome with
 * test/conformance/expected-differences.tsv (scenario, reason: the RFC reading or deliberate choice for which
 * daneel answers otherwise than the scenario expects).
 *
 * Exit 0 when every failing scenario is on the list; exit 1 when one outside the list fails (a regression) or the
 * harness cannot run. Listed scenarios that now pass are reported so the list can shrink. Needs root (rplrun
 * runs each scenario in its own network namespace).
 *
 * Builds dist/ first (bin/daneel.js runs it) and runs it with the Node.js that runs this script (>= 24).
 * Options: --filter GLOBS (passed to rplrun), --jobs N (default 2), --logdir DIR, --corpus DIR.
 * CONFORMANCE_DIR overrides the harness folder (default: ../shared/conformance next to the repository).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LIST = join(REPO, 'test/conformance/expected-differences.tsv');
/** Scenarios replayed at once: the machine is shared, two is what the harness README recommends. */
const DEFAULT_JOBS = '2';

export interface Outcome { passed: string[]; failed: Map<string, string>; skipped: string[] }

/** Reads the expected-differences list: `scenario<TAB>reason` lines, `#` comments and blank lines ignored. */
export function readExpected(text: string): Map<string, string> {
  const out = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const [name, reason] = line.split('\t');
    if (!name || !reason?.trim()) throw new Error(`${LIST}:${i + 1}: expected "scenario<TAB>reason"`);
    out.set(name.trim(), reason.trim());
  });
  return out;
}

/** Parses rplrun's per-scenario lines: `PASS x.rpl`, `FAIL x.rpl -- why`, `SKIP x.rpl -- why`. */
export function parseLine(line: string, into: Outcome): void {
  const m = /^(PASS|FAIL|SKIP) (\S+)(?: -- (.*))?$/.exec(line);
  if (!m) return;
  if (m[1] === 'PASS') into.passed.push(m[2]!);
  else if (m[1] === 'FAIL') into.failed.set(m[2]!, m[3] ?? '');
  else into.skipped.push(m[2]!);
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(args: string[]): Promise<number> {
  const harness = process.env.CONFORMANCE_DIR ?? resolve(REPO, '../shared/conformance');
  const rplrun = join(harness, 'rplrun');
  if (!existsSync(rplrun)) {
    process.stderr.write(`conformance: ${rplrun} not found (put shared/conformance beside the repository or set CONFORMANCE_DIR)\n`);
    return 1;
  }
  const expected = readExpected(readFileSync(LIST, 'utf8'));
  const corpus = option(args, '--corpus') ?? join(harness, 'deckard/sets/resolver');
  // bin/daneel.js runs the compiled dist/ (Node.js >= 24): build it, and run it with the node running this script.
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'inherit' });
  if (build.status !== 0) { process.stderr.write('conformance: npm run build failed\n'); return 1; }
  const daneel = join(REPO, 'bin/daneel.js');
  const cmd = `${process.execPath} ${daneel} serve --listen {listen_addr}:{listen_port} --root-hints {root_hints_file} `
    + '--trust-anchor {trust_anchor_file} --qname-minimisation {qname_minimisation} --do-ip6 {do_ip6} --do-ip4 {do_ip4} --harden-glue {harden_glue}';
  const rplArgs = [corpus, '--resolver', 'generic', '--jobs', option(args, '--jobs') ?? DEFAULT_JOBS, '--cmd', cmd];
  for (const name of ['--filter', '--logdir']) {
    const v = option(args, name);
    if (v !== undefined) rplArgs.push(name, v);
  }
  const outcome: Outcome = { passed: [], failed: new Map(), skipped: [] };
  const code = await new Promise<number>((done) => {
    const child = spawn(rplrun, rplArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        parseLine(line, outcome);
        const name = /^FAIL (\S+)/.exec(line)?.[1];
        const mark = name === undefined ? '' : expected.has(name) ? '  (expected difference)' : '  (NOT EXPECTED)';
        if (/^(PASS|FAIL|SKIP) /.test(line)) process.stdout.write(`${line}${mark}\n`);
      }
    });
    child.on('error', (e) => { process.stderr.write(`conformance: cannot run ${rplrun}: ${e.message}\n`); done(1); });
    child.on('close', (c) => done(c ?? 1));
  });
  const unexpected = [...outcome.failed.keys()].filter((s) => !expected.has(s)).sort();
  const nowPassing = outcome.passed.filter((s) => expected.has(s)).sort();
  process.stdout.write('\n');
  if (nowPassing.length > 0) process.stdout.write(`listed as expected differences but now passing (remove them from the list): ${nowPassing.join(', ')}\n`);
  if (unexpected.length > 0) process.stdout.write(`failing and not on the list: ${unexpected.join(', ')}\n`);
  process.stdout.write(`${outcome.passed.length} passed, ${outcome.failed.size} failed, ${outcome.skipped.length} skipped\n`);
  const ran = outcome.passed.length + outcome.failed.size + outcome.skipped.length;
  if (ran === 0) { process.stderr.write(`conformance: rplrun ran no scenario (exit ${code})\n`); return 1; }
  return unexpected.length > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
