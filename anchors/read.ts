/** Reads a configuration file as UTF-8, turning I/O failures into AnchorError('FILE_UNREADABLE'). */
import { readFileSync } from 'node:fs';
import { AnchorError } from './errors.js';

export function readConfigFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new AnchorError('FILE_UNREADABLE', `cannot read ${what} file ${path}: ${code}`, path);
  }
}
