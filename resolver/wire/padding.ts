/**
 * EDNS(0) Padding (RFC 7830) with the Block-Length Padding strategy of RFC 8467 §4.1: a query sent over an
 * encrypted transport is padded to the next multiple of 128 octets, so its length says little about its name.
 */
import { encodeMessage } from './message.js';
import { EDNS_OPTION } from './edns.js';
import type { Message } from './types.js';

/** RFC 8467 §4.1: clients SHOULD pad queries to the closest multiple of 128 octets. */
export const QUERY_PADDING_BLOCK = 128;
/** Option code (2) and option length (2) of the Padding option itself. */
const OPTION_HEADER = 4;

/**
 * Encodes `msg` with a Padding option so the whole message is a multiple of `block` octets. The message must
 * carry EDNS (RFC 7830 §3: padding lives in the OPT record); any Padding option already there is replaced.
 */
export function encodePadded(msg: Message, block = QUERY_PADDING_BLOCK): Uint8Array {
  if (!msg.edns) throw new Error('padding needs an EDNS OPT record (RFC 7830 §3)');
  const options = msg.edns.options.filter((o) => o.code !== EDNS_OPTION.PADDING);
  const bare = encodeMessage({ ...msg, edns: { ...msg.edns, options } }, { compress: false });
  const fill = (block - ((bare.length + OPTION_HEADER) % block)) % block;
  // RFC 7830 §4: the padding octets SHOULD be 0x00.
  const padding = { code: EDNS_OPTION.PADDING, data: new Uint8Array(fill) };
  return encodeMessage({ ...msg, edns: { ...msg.edns, options: [...options, padding] } }, { compress: false });
}
