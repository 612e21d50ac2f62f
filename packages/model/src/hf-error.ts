/** A Hugging Face Hub request that failed, with a message a person can act on (never the token). */
export class HuggingFaceError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly hubCode?: string,
  ) {
    super(message);
    this.name = 'HuggingFaceError';
  }
}

export interface HubFailure {
  status: number;
  repo: string;
  what: string;
  hasToken: boolean;
  /** `X-Error-Code` (GatedRepo, RepoNotFound, RevisionNotFound, EntryNotFound …). */
  hubCode?: string;
  hubMessage?: string;
}

export function hubFailure(f: HubFailure): HuggingFaceError {
  const said = f.hubMessage ? ` (${f.hubMessage.slice(0, 300)})` : '';
  let hint = '';
  if (f.status === 401) {
    hint = f.hasToken
      ? ` — the hf-token was refused; it may be expired or revoked. ${f.repo} is gated or private`
      : ` — ${f.repo} is gated or private: set hf-token to a token of an account that has access (for a gated model, accept its terms on the model page first)`;
  } else if (f.status === 403) {
    hint = f.hasToken
      ? ` — the hf-token has no access to ${f.repo}: for a gated model, accept its terms on the model page with the token's account; for a private one, use a token with read access to it`
      : ` — ${f.repo} is gated or private: set hf-token`;
  } else if (f.status === 404) {
    hint =
      f.hubCode === 'RevisionNotFound'
        ? ' — no such branch, tag or commit'
        : f.hubCode === 'EntryNotFound'
          ? ' — no such file at this revision'
          : f.hasToken
            ? ` — no model ${f.repo} that this token can see`
            : ` — no public model ${f.repo}; if it is private, set hf-token`;
  } else if (f.status === 429) {
    hint = ' — rate limited by the Hub; try again later or set hf-token';
  } else if (f.status >= 500) {
    hint = ' — the Hub failed; try again later';
  }
  return new HuggingFaceError(
    `${f.status} from the Hugging Face Hub for ${f.what}${said}${hint}`,
    f.status,
    f.hubCode,
  );
}
