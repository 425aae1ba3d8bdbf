/** Reading configuration files (root hints, trust anchors): I/O and zone-file syntax errors become AnchorError. */
import { readFileSync } from 'node:fs';
import { Name } from '../resolver/wire/name.js';
import type { RR } from '../resolver/wire/types.js';
import { parseZone } from '../resolver/wire/zonefile.js';
import { AnchorError } from './errors.js';

/** Reads a configuration file as UTF-8, turning I/O failures into AnchorError('FILE_UNREADABLE'). */
export function readConfigFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new AnchorError('FILE_UNREADABLE', `cannot read ${what} file ${path}: ${code}`, path);
  }
}

/** Parses zone-file text with the root as origin; syntax errors become AnchorError('SYNTAX') keeping `file:line:`. */
export function parseConfigZone(text: string, file: string | undefined, what: string, defaultTtl: number): RR[] {
  try {
    return parseZone(text, { origin: Name.ROOT, file: file ?? what, defaultTtl });
  } catch (err) {
    const e = err as Error & { line?: number };
    throw new AnchorError('SYNTAX', e.message, file, e.line);
  }
}
