/** The DANE component's public surface: owner names, TLSA records, matching, verdicts, Node TLS helpers. */
export { tlsaOwner, clientTlsaOwner, deviceIdentity, isDeviceIdentity, tlsaBaseDomains, referenceIdentifiers, hostText } from './owner.js';
export type { CnameExpansion } from './owner.js';
export { parseTlsa, formatTlsa, toTlsaRecord, computeTlsa, unusableReason, USAGE, SELECTOR, MTYPE } from './tlsa.js';
export type { TlsaRecord, TlsaRecordLike } from './tlsa.js';
export { parsePemChain, chainCredential, rpkCredential } from './certs.js';
export type { PeerCredential } from './certs.js';
export { trustStoreFromFile, trustStoreFromPem, systemTrustStore, validatePath } from './pkix.js';
export type { TrustStore } from './pkix.js';
export { verifyTlsa, verifyLookup, lookupOnlyVerdict, lookupAndVerify } from './verify.js';
export type { TlsaLookup, TlsaLookupResult, VerifyOptions } from './verify.js';
export { verdictToJson, isDaneValid } from './verdict.js';
export type { DaneVerdict, DaneVerdictJson, DaneVerdictName } from './verdict.js';
export { connect, daneCheckServerIdentity, DaneRejectedError } from './tls-client.js';
export type { DaneConnectOptions, DaneConnection } from './tls-client.js';
export { createDaneServer, verifyClient, daneVerdictOf } from './tls-server.js';
export type { DaneServerOptions } from './tls-server.js';
