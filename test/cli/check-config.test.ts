/** `daneel check-config` and `--help`, run as a user runs them: bin/daneel.js as a child process. */
import { describe, expect, it } from 'vitest';
import { daneel, fixture } from './run.js';

describe('daneel check-config FILE', () => {
  it('a good file: prints ok, exits 0', async () => {
    const r = await daneel(['check-config', fixture('config/good.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${fixture('config/good.yaml')}: ok\n`);
  });

  it('a bad file: one FILE:LINE: key: message line per problem, exit 64', async () => {
    const file = fixture('config/bad.yaml');
    const r = await daneel(['check-config', file]);
    expect(r.code).toBe(64);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toContain(`${file}:3: cache.max-bytes: must be ≥ 1 MiB (1048576)`);
    expect(lines).toContain(`${file}:8: rate-limt: unknown key`);
    expect(lines).toHaveLength(6);
  });

  it('a YAML syntax error, a missing file, a root hints file that does not exist: exit 64 with the file named', async () => {
    const syntax = await daneel(['check-config', fixture('config/syntax.yaml')]);
    expect(syntax.code).toBe(64);
    expect(syntax.stderr).toMatch(/syntax\.yaml:\d+: /);
    const none = await daneel(['check-config', fixture('config/absent.yaml')]);
    expect(none.code).toBe(64);
    expect(none.stderr).toContain('absent.yaml: cannot read: ENOENT');
    const hints = await daneel(['check-config', fixture('config/missing-hints.yaml')]);
    expect(hints.code).toBe(64);
    expect(hints.stderr).toContain('missing.hints');
  });

  it('serve --config with a bad file refuses to start: exit 64, the same line:key text', async () => {
    const r = await daneel(['serve', '--config', fixture('config/bad.yaml')]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`daneel serve: ${fixture('config/bad.yaml')}:3: cache.max-bytes: must be ≥ 1 MiB`);
  });
});

describe('--help for every subcommand', () => {
  it.each(['serve', 'check-config', 'query', 'tlsa', 'tlsa-record', 'dane-verify', 'verify'])('daneel %s --help exits 0 with usage', async (sub) => {
    const r = await daneel([sub, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: daneel ${sub}`));
  });

  it('serve --help lists the configuration and access-control flags', async () => {
    const r = await daneel(['serve', '--help']);
    for (const flag of ['--config', '--listen', '--allow', '--refuse', '--drop', '--rate-limit', '--log-level', '--query-log', '--root-hints', '--trust-anchor']) {
      expect(r.stdout).toContain(flag);
    }
  });
});
