import { splitCsv, TagRuleError } from './tag-rules';

/** metadata-action's `flavor`: global prefix/suffix and when `latest` is added. */
export interface Flavor {
  /** `auto`: a release (semver without prerelease, a git tag) adds `latest`; `true`/`false` force it. */
  latest: 'auto' | 'true' | 'false';
  prefix: string;
  prefixLatest: boolean;
  suffix: string;
  suffixLatest: boolean;
}

export const DEFAULT_FLAVOR: Readonly<Flavor> = {
  latest: 'auto',
  prefix: '',
  prefixLatest: false,
  suffix: '',
  suffixLatest: false,
};

/** Parses flavor lines such as `latest=false` or `prefix=app-,onlatest=true`. */
export function parseFlavor(lines: readonly string[]): Flavor {
  const flavor: Flavor = { ...DEFAULT_FLAVOR };
  for (const line of lines) {
    let onLatestFor: 'prefix' | 'suffix' | undefined;
    for (const field of splitCsv(line)) {
      const [rawKey, ...rest] = field.split('=');
      if (rest.length === 0) throw new TagRuleError(line, `flavor entries are key=value, got '${field}'`);
      const key = (rawKey ?? '').trim().toLowerCase();
      const value = rest.join('=').trim();
      if (key === 'latest') {
        if (value !== 'auto' && value !== 'true' && value !== 'false') {
          throw new TagRuleError(line, `latest must be auto, true or false, got '${value}'`);
        }
        flavor.latest = value;
      } else if (key === 'prefix' || key === 'suffix') {
        flavor[key] = value;
        onLatestFor = key;
      } else if (key === 'onlatest') {
        if (value !== 'true' && value !== 'false')
          throw new TagRuleError(line, `onlatest must be true or false`);
        if (onLatestFor === 'prefix') flavor.prefixLatest = value === 'true';
        if (onLatestFor === 'suffix') flavor.suffixLatest = value === 'true';
      } else {
        throw new TagRuleError(line, `unknown flavor entry '${key}' (latest, prefix, suffix, onlatest)`);
      }
    }
  }
  return flavor;
}
