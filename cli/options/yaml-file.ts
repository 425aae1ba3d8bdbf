/**
 * Reads a YAML configuration file and validates it against the schema, mapping every problem back to the line
 * it sits on: `daneel.yaml:12: cache.max-bytes: must be ≥ 1 MiB (1048576)`.
 */
import { readFileSync, statSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode, Pair } from 'yaml';
import type { z } from 'zod';
import { configSchema } from './schema.js';
import type { RawConfig } from './schema.js';
import { ConfigError, keyPath } from './errors.js';
import type { ConfigProblem } from './errors.js';

/** A configuration file is a few kilobytes; refusing big ones keeps a wrong path (a log, a device) from being read. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/** Where a YAML value sits: the line of its node, or of its key for an unknown key. */
class Locator {
  constructor(private readonly doc: Document, private readonly lines: LineCounter, private readonly file: string) {}

  where(path: ReadonlyArray<PropertyKey>, keyOf?: string): string {
    let offset: number | undefined;
    for (let n = path.length; n >= 0 && offset === undefined; n--) {
      const node = this.doc.getIn(path.slice(0, n) as unknown[], true) as YamlNode | undefined;
      if (n === path.length && keyOf !== undefined && isMap(node)) {
        const pair = node.items.find((p: Pair) => isScalar(p.key) && p.key.value === keyOf);
        offset = (pair?.key as YamlNode | undefined)?.range?.[0];
      }
      offset ??= node?.range?.[0];
    }
    return offset === undefined ? this.file : `${this.file}:${this.lines.linePos(offset).line}`;
  }
}

/** Plain messages for zod's issues ("must be an integer", "unknown key"), keeping the schema's own words. */
export function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = String(issue.expected);
      const words: Record<string, string> = {
        number: 'must be a number', int: 'must be an integer', boolean: 'must be true or false', string: 'must be a string',
        array: 'must be a list', object: 'must be a mapping of keys', record: 'must be a mapping of keys',
      };
      return words[expected] ?? `must be ${expected}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'must be a URL' : issue.message;
    default:
      return issue.message;
  }
}

/** Turns zod issues into problems, located by `locate(path, unknownKey?)`. */
export function problemsOf(issues: readonly z.core.$ZodIssue[], locate: (path: ReadonlyArray<PropertyKey>, key?: string) => string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out.push({ where: locate(issue.path, k), key: keyPath([...issue.path, k]), message: 'unknown key' });
    } else {
      out.push({ where: locate(issue.path), key: keyPath(issue.path), message: issueMessage(issue) });
    }
  }
  // In file order, so the first line printed is the first to fix.
  const line = (p: ConfigProblem): number => Number(/:(\d+)$/.exec(p.where)?.[1] ?? 0);
  return out.sort((a, b) => line(a) - line(b));
}

/** Parses YAML text; syntax errors and duplicate keys are problems with their line. */
export function parseYaml(text: string, file: string): { value: unknown; locate: Locator['where'] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => ({
      where: `${file}:${lines.linePos(e.pos[0]).line}`, key: '', message: e.message.split('\n')[0]!,
    })));
  }
  const locator = new Locator(doc, lines, file);
  return { value: doc.toJS({ maxAliasCount: 100 }) ?? {}, locate: (path, key) => locator.where(path, key) };
}

/** Reads and validates FILE; throws ConfigError with every problem found. */
export function readConfigFile(file: string): { raw: RawConfig; locate: (path: ReadonlyArray<PropertyKey>, key?: string) => string } {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_CONFIG_FILE_BYTES) throw new ConfigError([{ where: file, key: '', message: `is ${size} bytes, over the ${MAX_CONFIG_FILE_BYTES}-byte limit for a configuration file` }]);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([{ where: file, key: '', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
  const { value, locate } = parseYaml(text, file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError([{ where: file, key: '', message: 'must be a mapping of keys (key: value lines)' }]);
  }
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error.issues, locate));
  return { raw: parsed.data, locate };
}
