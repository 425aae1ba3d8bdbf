/** Configuration errors: each problem names where it comes from (`FILE:LINE: key.path: what is wrong`, or a flag). */

/** One problem found in the configuration. */
export interface ConfigProblem {
  /** `daneel.yaml:12`, `--cache-max-bytes`, or the file alone when no line is known. */
  where: string;
  /** Dotted key path, e.g. `cache.max-bytes`, `access-control[2].prefix`; empty for the whole file. */
  key: string;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  return p.key ? `${p.where}: ${p.key}: ${p.message}` : `${p.where}: ${p.message}`;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

/** `['cache', 'max-bytes']` → `cache.max-bytes`; `['access-control', 2, 'prefix']` → `access-control[2].prefix`. */
export function keyPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
