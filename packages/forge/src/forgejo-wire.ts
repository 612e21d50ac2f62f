/** The parts of Forgejo's API objects (swagger definitions) that the client reads. */
export interface WireRepository {
  full_name?: string;
  default_branch?: string;
  html_url?: string;
}
export interface WireBranch {
  name?: string;
  commit?: { id?: string; sha?: string };
}
export interface WireContents {
  type?: string;
  path?: string;
  sha?: string;
  content?: string | null;
  encoding?: string | null;
}
export interface WireLabel {
  id?: number;
  name?: string;
}
export interface WirePull {
  number?: number;
  html_url?: string;
  title?: string;
  body?: string | null;
  state?: string;
  head?: { ref?: string; sha?: string; repo?: { full_name?: string } | null };
  base?: { ref?: string };
  labels?: WireLabel[] | null;
}
export interface WireCommit {
  sha?: string;
  commit?: { message?: string; author?: { name?: string; email?: string } };
  author?: { login?: string } | null;
}
export interface WirePackage {
  id?: number;
  name?: string;
  version?: string;
  type?: string;
  created_at?: string;
  html_url?: string;
}
