import { InputError, type ActionContext } from '@sovereign-ci/action-kit';
import { ForgejoClient, GitHubClient, type ForgeClient, type RepoRef } from '@sovereign-ci/forge';
import type { RepinInputs } from './inputs';

/** The forge client and repository for the pull request, from the inputs and the runner context. */
export function forgeTarget(inputs: RepinInputs, ctx: ActionContext): { client: ForgeClient; repo: RepoRef } {
  const provider = inputs.forge === 'auto' ? (ctx.runner.isForgejo ? 'forgejo' : 'github') : inputs.forge;
  const apiUrl =
    inputs.apiUrl ?? ctx.runner.apiUrl ?? (provider === 'github' ? 'https://api.github.com' : undefined);
  if (!apiUrl) throw new InputError('api-url', 'is not set and FORGEJO_API_URL is not in the environment');
  let repo = inputs.repository;
  if (!repo) {
    const m = /^([^/]+)\/([^/]+)$/.exec(ctx.runner.repository ?? '');
    if (!m) throw new InputError('repository', 'is not set and the runner gives no repository');
    repo = { owner: m[1] ?? '', repo: m[2] ?? '' };
  }
  if (!inputs.token)
    throw new InputError(
      'token',
      'is not set and neither FORGEJO_TOKEN nor GITHUB_TOKEN is in the environment',
    );
  const options = { apiUrl, token: inputs.token, userAgent: 'sovereign-ci-repin' };
  return { client: provider === 'forgejo' ? new ForgejoClient(options) : new GitHubClient(options), repo };
}
