/**
 * Checks shared by the iterative and the forwarding drivers for one client request: whether it may go on
 * (aborted, past its wall-clock deadline), and which authority records a result carries.
 */
import { T, type RR } from './wire/types.js';
import { EDE } from './dnssec/verdict.js';
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
