/**
 * Configuration errors for root hints and trust anchors: bad or unreadable files. `code` is stable;
 * the message names the file and, where known, the line, so an operator can fix the input.
 */
export type AnchorErrorCode =
  | 'FILE_UNREADABLE'
  | 'SYNTAX'
  | 'WRONG_TYPE'
  | 'BAD_RECORD'
  | 'EMPTY'
  | 'NO_VALID_ANCHOR';

export class AnchorError extends Error {
  constructor(
    readonly code: AnchorErrorCode,
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'AnchorError';
  }
}

/** `file:line: ` (or `file: `) prefix for messages. */
export function where(file: string | undefined, line?: number): string {
  if (file === undefined) return '';
  return line === undefined ? `${file}: ` : `${file}:${line}: `;
}
