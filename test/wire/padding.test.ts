import { describe, expect, it } from 'vitest';
import { encodePadded, QUERY_PADDING_BLOCK } from '../../resolver/wire/padding.js';
import { queryMessage } from '../../resolver/wire/query.js';
import { decodeMessage } from '../../resolver/wire/message.js';
import { EDNS_OPTION } from '../../resolver/wire/edns.js';
import { Name } from '../../resolver/wire/name.js';

describe('RFC 8467 §4.1 block-length padding of queries', () => {
  it.each(['a.', '_443._tcp.js.example.fr.', `${'x'.repeat(63)}.${'y'.repeat(63)}.${'z'.repeat(60)}.example.`])('pads %s to a multiple of 128 with zero octets', (name) => {
    const wire = encodePadded(queryMessage({ id: 7, name: Name.parse(name), type: 52, rd: true, cd: true, do: true }));
    expect(wire.length % QUERY_PADDING_BLOCK).toBe(0);
    const msg = decodeMessage(wire);
    const pads = msg.edns!.options.filter((o) => o.code === EDNS_OPTION.PADDING);
    expect(pads).toHaveLength(1);
    expect(pads[0]!.data.every((b) => b === 0)).toBe(true);
    expect(msg.question[0]!.name.toString()).toBe(name);
    expect(msg.edns!.do).toBe(true);
  });

  it('refuses a message without EDNS (RFC 7830 §3)', () => {
    expect(() => encodePadded(queryMessage({ id: 1, name: Name.parse('a.'), type: 1, rd: true, cd: false, do: false }))).toThrow(/EDNS/);
  });
});
