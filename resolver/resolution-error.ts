/** Why a request ended without an answer (shared by the iterative and forwarding drivers). */
/** Why a request ended without an answer; `code` is stable, `ede` the RFC 8914 code sent to clients. */
export class ResolutionError extends Error {
  constructor(
    readonly code: 'REFERRAL_DEPTH' | 'CNAME_CHAIN' | 'QUERY_BUDGET' | 'REQUEST_TIMEOUT' | 'NO_REACHABLE_AUTHORITY' | 'REFERRAL_LOOP' | 'ABORTED',
    readonly ede: number,
    message: string,
    /** NO_REACHABLE_AUTHORITY only: some server replied (with an error rcode or a useless reply), not all timed out. */
    readonly serversReplied = false,
  ) {
    super(message);
    this.name = 'ResolutionError';
  }
}
