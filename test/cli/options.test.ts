/** The configuration schema, the YAML file reader and the flag overlay (cli/options/), in process. */
import { describe, expect, it } from 'vitest';
import { buildOptions, checkConfigFile } from '../../cli/options/options.js';
import { ConfigError } from '../../cli/options/errors.js';
import { fixture } from './run.js';

const problems = (run: () => unknown): string[] => {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration file', () => {
  it('takes every agreed key into one typed options object, files relative to the configuration file', () => {
    const o = checkConfigFile(fixture('config/good.yaml'));
    expect(o.listen).toEqual([{ address: '127.0.0.1', port: 5300 }, { address: '::1', port: 5300 }]);
    expect(o.rootHints).toBe(fixture('dead-root.hints'));
    expect(o.trustAnchors).toEqual([fixture('root.ds')]);
    expect(o).toMatchObject({ qnameMinimisation: true, doIp6: false, doIp4: true, hardenGlue: true, qnameCaseRandomisation: true });
    expect(o.accessControl).toHaveLength(3);
    expect(o.rateLimit).toEqual({ qps: 50, burst: 100, exemptLoopback: true });
    expect(o.log).toEqual({ level: 'warn', queryLog: true });
    expect(o.http).toEqual({ listen: [{ address: '127.0.0.1', port: 8443 }], cert: fixture('config/cert.pem'), key: fixture('config/key.pem') });
    expect(o.cache).toEqual({ maxBytes: 67108864, minTtl: 0, maxTtl: 86400, prefetchShare: 0.1, badTtl: 60, serveStale: true, staleWindow: 3600 });
    expect(o.keepWarm).toEqual({ names: ['_443._tcp.www.example.com', 'mail.example.com:25', 'x._device.example.fr'], learnMax: 100, learnMinQueries: 3 });
    expect(o.forwardZones).toEqual({ 'corp.example.': ['https://10.0.0.1/dns-query'] });
    expect(o.forwardCa).toBe(fixture('config/ca.pem'));
    expect(o.limits.resolution).toMatchObject({ maxReferralDepth: 30, requestTimeoutMs: 10000 });
    expect(o.limits.work).toEqual({ maxSignatureChecks: 256, maxNsec3Hashes: 128 });
    expect(o.limits.server).toMatchObject({ maxConcurrentRequests: 1000, closeGraceMs: 2000 });
  });

  it('reports each problem as FILE:LINE: key: message, in file order, unknown keys included', () => {
    const file = fixture('config/bad.yaml');
    expect(problems(() => checkConfigFile(file))).toEqual([
      `${file}:3: cache.max-bytes: must be ≥ 1 MiB (1048576)`,
      `${file}:4: cache.serve-stale: must be true or false`,
      `${file}:6: access-control[0].prefix: "10.0.0.0/33": prefix length 33 exceeds 32`,
      `${file}:7: access-control[1].action: must be one of allow, refuse, drop`,
      `${file}:8: rate-limt: unknown key`,
      `${file}:10: log.level: must be one of fatal, error, warn, info, debug, trace, silent`,
    ]);
  });

  it('YAML syntax errors and duplicate keys name their line; unreadable files say why', () => {
    const file = fixture('config/syntax.yaml');
    expect(problems(() => checkConfigFile(file))[0]).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:\\d+: `));
    expect(problems(() => checkConfigFile(fixture('config/none.yaml')))).toEqual([`${fixture('config/none.yaml')}: cannot read: ENOENT`]);
  });

  it('cross-key checks: min-ttl above max-ttl, initial timeout above the maximum, no address family left', () => {
    expect(problems(() => buildOptions(undefined, { listen: ['127.0.0.1:53'], cacheMinTtl: '100', cacheMaxTtl: '10' })))
      .toEqual(['--cache-min-ttl: cache.min-ttl: must be ≤ cache.max-ttl (10)']);
    expect(problems(() => buildOptions(undefined, { listen: ['127.0.0.1:53'], doIp4: 'no', doIp6: 'no' })))
      .toEqual(['--do-ip4: do-ip4: do-ip4 and do-ip6 cannot both be false: no address family would be left']);
  });
});

describe('flags over the file', () => {
  it('a flag overrides its key; nested keys it does not name keep the file value; lists are replaced', () => {
    const o = buildOptions(fixture('config/good.yaml'), {
      listen: ['127.0.0.1:5301'], rateLimit: '7', queryLog: 'no', doIp6: 'yes', allow: ['198.51.100.0/24'], drop: [], refuse: [],
    });
    expect(o.listen).toEqual([{ address: '127.0.0.1', port: 5301 }]);
    expect(o.rateLimit).toEqual({ qps: 7, burst: 100, exemptLoopback: true });
    expect(o.log).toEqual({ level: 'warn', queryLog: false });
    expect(o.doIp6).toBe(true);
    expect(o.accessControl).toEqual([{ prefix: '198.51.100.0/24', action: 'allow' }]);
  });

  it('without a file: defaults, and a listen address is required', () => {
    const o = buildOptions(undefined, { listen: ['127.0.0.1:53'] });
    expect(o).toMatchObject({ qnameMinimisation: true, doIp6: true, doIp4: true, hardenGlue: true, accessControl: [], trustAnchors: [], log: { level: 'info', queryLog: false } });
    expect(buildOptions(undefined, { listen: ['127.0.0.1:53'], doIp4: 'no', hardenGlue: 'no' })).toMatchObject({ doIp4: false, hardenGlue: false });
    expect(o.rateLimit.qps).toBe(0);
    expect(problems(() => buildOptions(undefined, {}))[0]).toMatch(/^--listen: at least one --listen ADDR:PORT is needed/);
  });

  it('bad flag values are reported against the flag', () => {
    expect(problems(() => buildOptions(undefined, { listen: ['127.0.0.1:53'], rateLimit: 'fast' }))).toEqual(['--rate-limit: rate-limit.qps: must be a number']);
    expect(problems(() => buildOptions(undefined, { listen: ['127.0.0.1:53'], refuse: ['10.0.0.0/40'] })))
      .toEqual(['--allow/--refuse/--drop: access-control[0].prefix: "10.0.0.0/40": prefix length 40 exceeds 32']);
    expect(problems(() => buildOptions(undefined, { listen: ['127.0.0.1:53'], forward: ['corp.example=not a url'] })))
      .toEqual(['--forward: forward-zones.corp.example[0]: must be a URL']);
  });
});
