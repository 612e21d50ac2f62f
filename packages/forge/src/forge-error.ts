/** An HTTP error from a forge API. The message carries method, URL (no query), status and the API's message; never a token. */
export class ForgeError extends Error {
  readonly code = 'FORGE_HTTP';
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly apiMessage: string,
  ) {
    super(`${method} ${url} failed: HTTP ${status}${apiMessage ? `: ${apiMessage}` : ''}`);
    this.name = 'ForgeError';
  }
}

/** The pull-request branch has commits that this tool did not make; it refuses to touch it. */
export class ForeignCommitsError extends Error {
  readonly code = 'FORGE_FOREIGN_COMMITS';
  constructor(
    readonly branch: string,
    readonly commits: { sha: string; author?: string; message: string }[],
  ) {
    const list = commits.map((c) => `${c.sha.slice(0, 12)}${c.author ? ` by ${c.author}` : ''}`).join(', ');
    super(
      `branch '${branch}' has ${commits.length} commit(s) not made by repin (${list}); ` +
        'refusing to overwrite them: merge or close the pull request, or delete the branch',
    );
    this.name = 'ForeignCommitsError';
  }
}
