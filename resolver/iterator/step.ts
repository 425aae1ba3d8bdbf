/**
 * The iterator's decision for one usable reply (Knot Resolver's "consume" step): given what was asked and how
 * the reply classified, what the driver does next. Pure; the driver only carries it out.
 */
import type { Name } from '../wire/name.js';
import { T, type Message } from '../wire/types.js';
import type { Classified } from './classify.js';
import type { OutgoingQuestion } from './qname-min.js';
import { hiddenCut } from './referral.js';

export type Action =
  /** Follow the referral to `child`. */
  | { do: 'descend'; child: Name }
  /** The server answered from a child zone it also carries: enter `child` first (see hiddenCut). */
  | { do: 'descend-hidden'; child: Name }
  /** Stop minimising and ask the full question here. */
  | { do: 'ask-full' }
  /** The minimised name exists and is no cut: ask one step deeper. */
  | { do: 'ask-deeper' }
  /** This reply is the answer for the name (data, CNAME/DNAME link, NODATA or NXDOMAIN): validate it. */
  | { do: 'finish' }
  | { do: 'fail'; reason: string };

export interface StepInput {
  qname: Name;
  qtype: number;
  asked: OutgoingQuestion;
  zone: Name;
  msg: Message;
  classified: Classified;
}

export function decide(i: StepInput): Action {
  const { qname, qtype, asked, classified } = i;
  if (classified.kind === 'referral') {
    const child = classified.next!;
    if (qtype === T.DS && child.equals(qname)) {
      // RFC 4035 §3.1.4.1: DS lives on the parent side of the cut, so it is asked here, never in the child.
      return asked.minimised ? { do: 'ask-full' } : { do: 'fail', reason: `${i.zone} refers a DS query for ${qname} to the child` };
    }
    return { do: 'descend', child };
  }
  const hidden = hiddenCut(i.msg, i.zone, qname);
  if (hidden && !(qtype === T.DS && hidden.equals(qname))) return { do: 'descend-hidden', child: hidden };
  if (!asked.minimised) return { do: 'finish' };
  // RFC 9156 §3: NOERROR for a minimised name (data, NODATA at an empty non-terminal, a CNAME) means "one label
  // deeper"; an NXDOMAIN for an intermediate name is checked with the full name (§2.3, broken servers).
  return classified.kind === 'nxdomain' ? { do: 'ask-full' } : { do: 'ask-deeper' };
}
