/**
 * `--forward ZONE=URL[,URL...]` (repeatable, `.` for everything) and `--forward-ca FILE` for `daneel serve` and
 * `daneel query`: parsed into a ForwardTable and a CA bundle; a bad value is a UsageError (exit 64) naming it.
 */
import { readFileSync } from 'node:fs';
import { ForwardTable, UpstreamUrlError, type ForwardingSetup } from '../resolver/forward/index.js';
import { UsageError } from './config.js';
import type { ForwardFlags } from './forward-options.js';

/** From `daneel query` flags. */
export function forwardingFromFlags(flags: ForwardFlags): ForwardingSetup {
  return forwardingSetup(flags.forward ?? [], flags.forwardCa);
}

/** From the serve options (`forward-zones: {ZONE: [URL...]}`, `forward-ca: FILE`), file and flags merged. */
export function forwardingFromOptions(zones: Record<string, string[]>, caFile?: string): ForwardingSetup {
  return forwardingSetup(Object.entries(zones).map(([zone, urls]) => `${zone}=${urls.join(',')}`), caFile);
}

function forwardingSetup(specs: string[], caFile: string | undefined): ForwardingSetup {
  let table: ForwardTable;
  try {
    table = ForwardTable.parse(specs);
  } catch (e) {
    if (e instanceof UpstreamUrlError) throw new UsageError(e.message);
    throw e;
  }
  if (caFile === undefined) return { table };
  let ca: string;
  try {
    ca = readFileSync(caFile, 'utf8');
  } catch (e) {
    throw new UsageError(`forward-ca ${caFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`forward-ca ${caFile}: no PEM certificate in the file`);
  return { table, ca };
}
