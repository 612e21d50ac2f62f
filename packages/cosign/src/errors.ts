/** A private or public key that cannot be used: wrong password, unsupported format or algorithm. */
export class KeyError extends Error {
  readonly code = 'KEY';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyError';
  }
}
