/** Builders for hand-made responses in the iterator unit tests. */
import type { Message, RR } from '../../resolver/wire/types.js';
import { n, rdata, rr } from '../support/signer.js';
import { T } from '../../resolver/wire/types.js';

export { n, rdata, rr };

export function response(parts: { rcode?: number; aa?: boolean; answer?: RR[]; authority?: RR[]; additional?: RR[]; qname?: string; qtype?: number }): Message {
  return {
    id: 1,
    flags: { qr: true, opcode: 0, aa: parts.aa ?? true, tc: false, rd: false, ra: false, ad: false, cd: false },
    rcode: parts.rcode ?? 0,
    question: [{ name: n(parts.qname ?? 'www.example.com'), type: parts.qtype ?? T.A, class: 1 }],
    answer: parts.answer ?? [],
    authority: parts.authority ?? [],
    additional: parts.additional ?? [],
  };
}

/** A fake RRSIG covering `type`, made by `signer` (only those fields matter to the iterator). */
export function sig(owner: string, type: number, signer = '.'): RR {
  return rr(owner, T.RRSIG, Uint8Array.from([type >> 8, type & 0xff, 15, 2, ...new Array<number>(14).fill(0), ...n(signer).wire]));
}
