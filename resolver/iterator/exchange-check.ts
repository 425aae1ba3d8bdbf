/** Checks that a decoded reply answers the query we sent (RFC 5452 §9.1), before anything else reads it. */
import type { Name } from '../wire/name.js';
import type { Message } from '../wire/types.js';

/** undefined when the reply fits; otherwise why it does not. */
export function replyMismatch(msg: Message, id: number, qname: Name, qtype: number): string | undefined {
  if (msg.id !== id) return `reply ID ${msg.id} does not match query ID ${id}`;
  if (!msg.flags.qr) return 'reply has QR=0';
  if (msg.flags.opcode !== 0) return `reply opcode ${msg.flags.opcode}`;
  const q = msg.question[0];
  // A FORMERR/NOTIMP reply may omit the question; anything that carries one must echo ours (RFC 5452 §9.1).
  if (msg.question.length === 0) return msg.rcode !== 0 && msg.rcode !== 3 ? undefined : 'reply has no question';
  if (msg.question.length !== 1 || !q!.name.equals(qname) || q!.type !== qtype) return 'reply question differs from the query';
  return undefined;
}
