/**
 * Checks shared by the iterative and the forwarding drivers for one client request: whether it may go on
 * (aborted, past its wall-clock deadline), which authority records a result carries, and the shape of one
 * name's lookup result.
 */
import { T, type RR } from './wire/types.js';
import type { Name } from './wire/name.js';
import { EDE, type Verdict } from './dnssec/verdict.js';
import { coveredType } from './iterator/records.js';
import { ResolutionError } from './resolution-error.js';
import type { Clock } from './clock.js';

/** Throws ABORTED or REQUEST_TIMEOUT (EDE 22) when the request must stop. */
export function checkRequest(req: { signal?: AbortSignal; deadlineMs: number }, clock: Clock, requestTimeoutMs: number): void {
  if (req.signal?.aborted) throw new ResolutionError('ABORTED', EDE.OTHER, 'request aborted');
  if (clock.now() >= req.deadlineMs) {
    throw new ResolutionError('REQUEST_TIMEOUT', EDE.NO_REACHABLE_AUTHORITY, `request took longer than requestTimeoutMs (${requestTimeoutMs} ms)`);
  }
}

/** Records a result's authority section carries: denial proofs always, SOA for negative answers; never NS/DS. */
export function keepInResult(rr: RR, negative: boolean): boolean {
  const type = rr.type === T.RRSIG ? coveredType(rr) : rr.type;
  if (type === T.NSEC || type === T.NSEC3) return true;
  return negative && type === T.SOA;
}

/** One name's lookup result in a driver: a final answer, or a CNAME/DNAME link to follow (`next`). */
export interface LookupStep {
  rcode: number;
  /** For a secure step, only what the validator checked (RFC 4035 §5.3.3 TTLs); else the scrubbed reply. */
  answer: RR[];
  authority: RR[];
  verdict: Verdict;
  next?: Name;
}
