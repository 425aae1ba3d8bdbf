import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseLine, readExpected, type Outcome } from './run.js';

describe('conformance runner', () => {
  it('reads rplrun lines into passed, failed (with why) and skipped', () => {
    const o: Outcome = { passed: [], failed: new Map(), skipped: [] };
    for (const line of ['PASS a.rpl', 'FAIL b.rpl -- step 10: rcode expected NOERROR got SERVFAIL', 'SKIP c.rpl -- not applicable', '1 passed, 1 failed, 1 skipped', 'noise']) parseLine(line, o);
    expect(o.passed).toEqual(['a.rpl']);
    expect([...o.failed]).toEqual([['b.rpl', 'step 10: rcode expected NOERROR got SERVFAIL']]);
    expect(o.skipped).toEqual(['c.rpl']);
  });

  it('the expected-differences list parses, and every entry names a scenario and gives a reason', () => {
    const list = readExpected(readFileSync(fileURLToPath(new URL('./expected-differences.tsv', import.meta.url)), 'utf8'));
    expect(list.size).toBeGreaterThan(0);
    for (const [name, reason] of list) {
      expect(name).toMatch(/^[a-z0-9_]+\.rpl$/);
      expect(reason.length).toBeGreaterThan(20);
    }
    expect(() => readExpected('x.rpl\n')).toThrow(/scenario<TAB>reason/);
  });
});
