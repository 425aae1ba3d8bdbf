/** RFC 1982 serial arithmetic for RRSIG windows (RFC 4034 §3.1.5), across the 2106 wrap, and TTL capping. */
import { describe, expect, test } from 'vitest';
import { cappedTtl, serialCompare, serialDiff, toSerial, validityState } from '../../../resolver/dnssec/validity.js';

const WRAP = 2 ** 32; // 2106-02-07T06:28:16Z

describe('serial arithmetic (RFC 1982 §3.2)', () => {
  test('ordinary comparisons', () => {
    expect(serialCompare(1, 2)).toBeLessThan(0);
    expect(serialCompare(2, 1)).toBeGreaterThan(0);
    expect(serialCompare(7, 7)).toBe(0);
  });

  test('a value just past the wrap follows one just before it', () => {
    expect(serialCompare(WRAP - 10, 5)).toBeLessThan(0);
    expect(serialDiff(WRAP - 10, 5)).toBe(15);
    expect(serialDiff(5, WRAP - 10)).toBe(-15);
  });

  test('distances of 2^31 - 1 compare, the far half counts backwards', () => {
    expect(serialDiff(0, 2 ** 31 - 1)).toBe(2 ** 31 - 1);
    expect(serialDiff(0, 2 ** 31 + 1)).toBe(-(2 ** 31 - 1));
  });

  test('now beyond 2^32 seconds reduces modulo 2^32', () => {
    expect(toSerial(WRAP + 123)).toBe(123);
    expect(toSerial(-1)).toBe(WRAP - 1);
  });
});

describe('validity window across 2106-02-07', () => {
  const inception = WRAP - 3600; // one hour before the wrap
  const expiration = 3600; // serial 3600 = one hour after the wrap

  test('inside the window on both sides of the wrap', () => {
    expect(validityState(inception, expiration, WRAP - 60, 0)).toBe('valid');
    expect(validityState(inception, expiration, WRAP + 60, 0)).toBe('valid');
  });

  test('before and after', () => {
    expect(validityState(inception, expiration, WRAP - 7200, 0)).toBe('not-yet-valid');
    expect(validityState(inception, expiration, WRAP + 7200, 0)).toBe('expired');
  });

  test('skew applies on both ends', () => {
    expect(validityState(inception, expiration, WRAP + 3700, 0)).toBe('expired');
    expect(validityState(inception, expiration, WRAP + 3700, 100)).toBe('valid');
    expect(validityState(inception, expiration, WRAP - 3700, 100)).toBe('valid');
  });

  test('a window whose expiration precedes its inception is inverted', () => {
    expect(validityState(2000, 1000, 1500, 0)).toBe('inverted');
  });

  test('boundaries are inclusive (RFC 4035 §5.3.1)', () => {
    expect(validityState(1000, 2000, 1000, 0)).toBe('valid');
    expect(validityState(1000, 2000, 2000, 0)).toBe('valid');
    expect(validityState(1000, 2000, 2001, 0)).toBe('expired');
    expect(validityState(1000, 2000, 999, 0)).toBe('not-yet-valid');
  });
});

describe('TTL capping (RFC 4035 §5.3.3)', () => {
  test('the smallest of RR TTL, original TTL and time to expiry', () => {
    expect(cappedTtl(300, 3600, 10_000, 1_000)).toBe(300);
    expect(cappedTtl(7200, 3600, 10_000, 1_000)).toBe(3600);
    expect(cappedTtl(7200, 3600, 1_100, 1_000)).toBe(100);
  });

  test('time to expiry across the wrap', () => {
    expect(cappedTtl(86400, 86400, 100, WRAP - 100)).toBe(200);
  });

  test('never negative', () => {
    expect(cappedTtl(300, 300, 900, 1_000)).toBe(0);
  });
});
