/**
 * QNAME minimisation (RFC 9156): below each zone cut, ask for one more label at a time instead of sending the
 * full name to servers that only need to see the next label.
 *
 * RFC 9156 §2.3 bounds the work for long names: the first MINIMISE_ONE_LAB steps add one label each, the rest
 * of the labels are spread over the steps left until MAX_MINIMISE_COUNT, after which the full name is sent.
 * RFC 9156 §2.1 (QTYPE selection): minimised queries use QTYPE A, which broken servers handle better than NS;
 * NS, which §2.1 still allows (and RFC 7816 used), is the fallback when a zone's servers answer the A probe only
 * with errors: some servers (and load balancers in front of them) answer nothing but the NS question.
 */
import type { Name } from '../wire/name.js';
import { T } from '../wire/types.js';

/** RFC 9156 §2.3 recommended values. */
export const MAX_MINIMISE_COUNT = 10;
export const MINIMISE_ONE_LAB = 4;
/** "_" in ASCII. */
const UNDERSCORE = 0x5f;

export interface MinimiseState {
  /** False when minimisation is off (config) or abandoned for this lookup (fallback). */
  enabled: boolean;
  /** Minimised queries sent so far in this lookup. */
  count: number;
  /** Label count of the last minimised name asked (0 before the first). */
  probeLabels: number;
  /** QTYPE of minimised queries: A, or NS after servers failed on an A probe (usingNsProbes). */
  probeType: number;
}

export interface OutgoingQuestion {
  name: Name;
  type: number;
  /** True when name/type are not the client's question. */
  minimised: boolean;
}

export function startMinimising(enabled: boolean): MinimiseState {
  return { enabled, count: 0, probeLabels: 0, probeType: T.A };
}

/** The question to send to the servers of zone `cut` while looking up `qname`/`qtype`. */
export function nextQuestion(qname: Name, qtype: number, cut: Name, st: MinimiseState): OutgoingQuestion {
  const full = { name: qname, type: qtype, minimised: false };
  if (!st.enabled || st.count >= MAX_MINIMISE_COUNT - 1) return full;
  const base = Math.max(cut.labelCount, st.probeLabels);
  const remaining = qname.labelCount - base;
  if (remaining <= 1) return full;
  const step = st.count < MINIMISE_ONE_LAB ? 1 : Math.max(1, Math.floor(remaining / (MAX_MINIMISE_COUNT - st.count)));
  const labels = base + step;
  if (labels >= qname.labelCount) return full;
  const probe = qname.suffix(labels);
  // RFC 8552 underscored names (_443._tcp.host for TLSA, RFC 6698 §3) are attribute leaves of the host, not
  // zones: probing them one by one only costs round trips, and the server that answers for the host gets the
  // full name next anyway. A cut there, if any, still answers the full name with a referral.
  if (isUnderscoreLabel(probe.labels[0]!)) return full;
  // The same holds one label up: when every label below the probe is underscored, the probe is the host of an
  // attribute leaf (js.example.fr for _443._tcp.js.example.fr). Its own zone's servers would be asked the full
  // name right after the probe, so the probe is skipped and the full name goes at once: one round trip less on
  // every cold TLSA lookup. What a server can learn that it would not otherwise: only the underscored labels and
  // the type, and only if the host turns out to be a zone cut of its own (then it answers with a referral).
  if (qname.labels.slice(0, qname.labelCount - labels).every(isUnderscoreLabel)) return full;
  return { name: probe, type: st.probeType, minimised: true };
}

/** True for a label that starts with "_" (RFC 8552 §1.1: an underscored node name). */
function isUnderscoreLabel(label: Uint8Array): boolean {
  return label[0] === UNDERSCORE;
}

/**
 * Starts minimising below `labels` labels of the name: those are known to hold no zone cut (RFC 9156 §2: a
 * resolver may skip what it already knows), so asking for them again would only cost a round trip.
 */
export function skipKnown(st: MinimiseState, labels: number): MinimiseState {
  return labels > st.probeLabels ? { ...st, probeLabels: labels } : st;
}

/**
 * After a minimised query got NOERROR (data, NODATA — an empty non-terminal — or a CNAME at the intermediate
 * name) or a referral: the name exists and the next query adds labels below it (RFC 9156 §3).
 */
export function advance(st: MinimiseState, asked: OutgoingQuestion): MinimiseState {
  if (!asked.minimised) return st;
  return { ...st, count: st.count + 1, probeLabels: asked.name.labelCount };
}

/**
 * Stop minimising and send the full name from now on. RFC 9156 §2.3 and §8: some servers answer NXDOMAIN for
 * empty non-terminals or fail on minimised queries, so before an NXDOMAIN (or an error) for an intermediate
 * name is believed, the full name is asked.
 */
export function fallBack(st: MinimiseState): MinimiseState {
  return { ...st, enabled: false };
}

/**
 * After every server of a zone answered an A probe with an error (SERVFAIL, REFUSED, NOTIMP...): ask the same
 * name with QTYPE NS (RFC 9156 §2.1) for the rest of this lookup, before falling back to the full name. Undefined
 * when the probes already were NS: then only the full name is left.
 */
export function usingNsProbes(st: MinimiseState): MinimiseState | undefined {
  return st.probeType === T.NS ? undefined : { ...st, probeType: T.NS };
}
