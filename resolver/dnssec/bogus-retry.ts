/**
 * Asking other servers of a zone after a reply that failed validation (Unbound's bogus retry; Knot Resolver
 * also changes server on a validation failure): a bogus answer, DNSKEY set or DS set may come from one broken or
 * spoofed server while its peers serve correct data. Each retry skips every server that already gave bogus data;
 * when they are spent, or after BOGUS_RETRIES, the last bogus result stands (RFC 4035 §5.5: SERVFAIL).
 * Pure bookkeeping; the driver does the asking.
 */

/** Extra servers asked for one question after bogus data (each retry costs upstream queries from the budget). */
export const BOGUS_RETRIES = 3;

export class BogusRetry<T = unknown> {
  /** Addresses that gave bogus data for this question: not asked again. */
  readonly avoid = new Set<string>();
  /** The last bogus result, returned when no other server is left. */
  last: T | undefined;
  private retries = 0;

  /** Records a bogus result from `address`; true when another server may be asked. */
  again(address: string, result: T): boolean {
    this.last = result;
    this.avoid.add(address);
    return ++this.retries <= BOGUS_RETRIES;
  }
}
