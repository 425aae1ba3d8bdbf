/**
 * The `--forward ZONE=URL[,URL...]` and `--forward-ca FILE` options, kept apart from cli/forwarding.ts so that
 * registering them loads no resolver code (commands load what they run lazily).
 */
import type { Command } from 'commander';

export interface ForwardFlags {
  forward?: string[];
  forwardCa?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addForwardOptions(cmd: Command): Command {
  return cmd
    .option('--forward <zone=url,...>', 'send ZONE (`.` for all) to these upstreams: udp://, tcp://, tls://ADDR?name=AUTH-NAME[&pin=sha256/B64], https://HOST/PATH (repeatable)', collect, [])
    .option('--forward-ca <file>', 'PEM CA bundle for DoT/DoH upstream certificates (default: the system store)');
}
