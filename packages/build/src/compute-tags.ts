import semver from 'semver';
import type { Logger } from '@sovereign-ci/action-kit';
import { formatDate } from './date-format';
import { DEFAULT_FLAVOR, type Flavor } from './flavor';
import { branchOf, isDefaultBranch, pullRequestOf, tagOf, type MetadataContext } from './metadata-context';
import { sanitizeTag } from './sanitize-tag';
import { isSingleExpression, renderTemplate, TemplateError, type TemplateScope } from './template';
import { TagRuleError, type TagRule } from './tag-rules';

export interface Version {
  /** The first tag produced (highest priority); the image's version label. */
  main?: string;
  /** Every further tag, without duplicates. */
  partial: string[];
  /** Whether `latest` is added (decided by the first rule that produced a tag, per the flavor). */
  latest: boolean;
}

export interface ComputeTagsOptions {
  flavor?: Flavor;
  /** Length of `type=sha` short form and `{{sha}}` (metadata-action's DOCKER_METADATA_SHORT_SHA_LENGTH); 7. */
  shortShaLength?: number;
  logger?: Logger;
}

const dateHelper =
  (date: Date) =>
  (args: string[], hash: Record<string, string>): string => {
    for (const key of Object.keys(hash))
      if (key !== 'tz') throw new TemplateError(`unknown ${key} attribute`);
    return formatDate(date, args[0] ?? 'YYYYMMDD', hash.tz ?? 'UTC');
  };

/** The expressions available in prefix, suffix, value, enable and labels (metadata-action's global expressions). */
export function globalScope(context: MetadataContext, shortShaLength = 7): TemplateScope {
  const isDefault = isDefaultBranch(context);
  let baseRef = '';
  if (context.ref.startsWith('refs/tags/') && context.payload.base_ref) {
    baseRef = context.payload.base_ref.replace(/^refs\/heads\//, '');
  } else if (context.ref.startsWith('refs/pull/') && context.payload.pull_request?.base?.ref) {
    baseRef = context.payload.pull_request.base.ref;
  }
  return {
    branch: branchOf(context.ref),
    tag: tagOf(context.ref),
    sha: context.sha.slice(0, shortShaLength),
    base_ref: baseRef,
    is_default_branch: String(isDefault),
    is_not_default_branch: String(!isDefault),
    date: dateHelper(context.now),
    commit_date: dateHelper(context.commitDate),
  };
}

/** Applies every enabled rule in order (rules come sorted from parseTagRules), as metadata-action's getVersion. */
export function computeVersion(
  rules: readonly TagRule[],
  context: MetadataContext,
  options: ComputeTagsOptions = {},
): Version {
  const flavor = options.flavor ?? DEFAULT_FLAVOR;
  const shortShaLength = options.shortShaLength ?? 7;
  const scope = globalScope(context, shortShaLength);
  let main: string | undefined;
  const partial: string[] = [];
  let latest: boolean | undefined;

  for (const rule of rules) {
    const render = (template: string): string => {
      try {
        return renderTemplate(template, scope);
      } catch (error) {
        throw new TagRuleError(rule.source, (error as Error).message);
      }
    };
    const enabled = render(rule.attrs.enable ?? 'true');
    if (enabled !== 'true' && enabled !== 'false') {
      throw new TagRuleError(rule.source, `enable must be true or false, got '${enabled}'`);
    }
    if (enabled === 'false') continue;

    const affix = (value: string): string => {
      let out = value;
      if (rule.attrs.prefix !== undefined) out = render(rule.attrs.prefix) + out;
      else if (flavor.prefix) out = render(flavor.prefix) + out;
      if (rule.attrs.suffix !== undefined) out += render(rule.attrs.suffix);
      else if (flavor.suffix) out += render(flavor.suffix);
      return out;
    };
    const produce = (raw: string | undefined, releaseLike: boolean): void => {
      if (raw === undefined || raw === '') return;
      const value = sanitizeTag(affix(raw));
      if (value === '') return;
      if (main === undefined) main = value;
      else if (value !== main && !partial.includes(value)) partial.push(value);
      latest ??= flavor.latest === 'auto' ? releaseLike : flavor.latest === 'true';
    };
    const versionSource = (): string | undefined => {
      if (!context.ref.startsWith('refs/tags/') && !rule.attrs.value) return undefined;
      return rule.attrs.value ? render(rule.attrs.value) : tagOf(context.ref);
    };

    switch (rule.type) {
      case 'schedule':
        if (/schedule/.test(context.eventName)) produce(render(rule.attrs.pattern ?? 'nightly'), false);
        break;
      case 'semver': {
        let raw = versionSource();
        if (raw === undefined) break;
        if (rule.attrs.match) {
          const matched = raw.match(rule.attrs.match);
          if (matched?.[1] !== undefined) raw = matched[1];
          else options.logger?.warning(`${rule.attrs.match} does not match ${raw}`);
        }
        raw = raw.replace(/\//g, '-');
        if (!semver.valid(raw)) {
          options.logger?.warning(`${raw} is not a valid semver version; rule '${rule.source}' skipped`);
          break;
        }
        const parsed = semver.parse(raw, { loose: true }) as semver.SemVer;
        const pattern = rule.attrs.pattern ?? '{{version}}';
        const versionScope: TemplateScope = {
          raw: parsed.raw,
          version: parsed.version,
          major: parsed.major,
          minor: parsed.minor,
          patch: parsed.patch,
        };
        // Prereleases only ever get {{version}} (or {{raw}} when that is the whole pattern).
        const prerelease = parsed.prerelease.length > 0;
        const effective = prerelease && !isSingleExpression(pattern, 'raw') ? '{{version}}' : pattern;
        let rendered: string;
        try {
          rendered = renderTemplate(effective, versionScope);
        } catch (error) {
          throw new TagRuleError(rule.source, (error as Error).message);
        }
        produce(rendered, !prerelease);
        break;
      }
      case 'match': {
        const raw = versionSource();
        if (raw === undefined) break;
        const pattern = rule.attrs.pattern ?? '';
        const regex = /^\/(.+)\/(.*)$/.exec(pattern);
        const matched = regex ? raw.match(new RegExp(regex[1] as string, regex[2])) : raw.match(pattern);
        const group = matched?.[Number(rule.attrs.group ?? '0')];
        if (group === undefined) options.logger?.warning(`${pattern} does not match ${raw}`);
        else produce(group, true);
        break;
      }
      case 'edge': {
        const branch = branchOf(context.ref);
        const wanted = rule.attrs.branch || context.defaultBranch;
        if (branch !== '' && branch === wanted) produce('edge', false);
        break;
      }
      case 'ref':
        if (rule.attrs.event === 'branch') produce(branchOf(context.ref), false);
        else if (rule.attrs.event === 'tag') produce(tagOf(context.ref), true);
        else produce(pullRequestOf(context), false);
        break;
      case 'raw':
        produce(render(rule.attrs.value ?? ''), false);
        break;
      case 'sha':
        if (context.sha)
          produce(rule.attrs.format === 'long' ? context.sha : context.sha.slice(0, shortShaLength), false);
        break;
    }
  }
  const version: Version = { partial, latest: latest ?? false };
  if (main !== undefined) version.main = main;
  return version;
}

/** The tag names in output order: main, partials, then `latest` (with the flavor's prefix/suffix when asked). */
export function tagNames(version: Version, flavor: Flavor = DEFAULT_FLAVOR): string[] {
  if (version.main === undefined) return [];
  const names = [version.main, ...version.partial];
  if (version.latest) {
    const latest = sanitizeTag(
      `${flavor.prefixLatest ? flavor.prefix : ''}latest${flavor.suffixLatest ? flavor.suffix : ''}`,
    );
    if (!names.includes(latest)) names.push(latest);
  }
  return names;
}
