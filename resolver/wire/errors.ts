/** A malformed name, packet or record. `code` is stable; `message` says what and where. */
export class WireError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'WireError';
  }
}
