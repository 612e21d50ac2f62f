/** A private or public key that cannot be used: wrong password, unsupported format or algorithm. */
export class KeyError extends Error {
  readonly code = 'KEY';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyError';
  }
}

/** A transparency log (Rekor) could not record or return an entry. */
export class RekorError extends Error {
  readonly code = 'REKOR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RekorError';
  }
}
