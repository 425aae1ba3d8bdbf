/**
 * Address plan of the delay benchmarks (mirrors addresses.sh, which build-zones.sh reads). These addresses
 * exist only inside the benchmark's own network namespace.
 */
export const ADDR_ROOT = '127.54.0.1';
export const ADDR_TLD = '127.54.1.1';
/** Leaf zone zI.bench. is served at LEAF_PREFIX.I. */
export const LEAF_PREFIX = '127.54.2';
/** Where the real NSD instances listen; port 53 on the same addresses is the delay proxy's. */
export const REAL_PORT = 5300;
/** The resolvers under test: one address each, port 53. */
export const ADDR_DANEEL = '127.54.53.1';
export const ADDR_UNBOUND = '127.54.53.2';
export const ADDR_PDNS = '127.54.53.3';
