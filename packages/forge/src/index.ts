export { ForeignCommitsError, ForgeError } from './forge-error';
export { encodePath, ForgeHttp, type ForgeHttpOptions, type ForgeResponse } from './forge-http';
export { ForgejoClient, type ForgejoClientOptions } from './forgejo-client';
export { ForgejoPackages, type PackageVersion } from './forgejo-packages';
export { GitHubClient, type GitHubClientOptions } from './github-client';
export { publishChanges, type PublishOptions, type PublishResult } from './publish-changes';
export type {
  BranchInfo,
  CommitFilesOptions,
  CommitInfo,
  CreatePullOptions,
  FileChange,
  FileContent,
  ForgeClient,
  ForgeProvider,
  Identity,
  PullRequestInfo,
  RepoRef,
  RepositoryInfo,
  UpdatePullOptions,
} from './types';
export { gitPushChanges, type GitPushOptions, type GitPushResult } from './git-push';
