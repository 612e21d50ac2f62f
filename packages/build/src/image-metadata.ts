import type { Logger } from '@sovereign-ci/action-kit';
import { computeVersion, tagNames, type Version } from './compute-tags';
import { DEFAULT_FLAVOR, parseFlavor } from './flavor';
import type { MetadataContext } from './metadata-context';
import { mergeLabels, ociLabels } from './oci-labels';
import { parseTagRules } from './tag-rules';
import { TemplateError } from './template';

export interface ImageMetadataOptions {
  /** Repositories without tags, one per registry (`harbor.lab/team/app`). */
  images: readonly string[];
  /** Tag rules and plain tags; empty means DEFAULT_TAG_RULES. */
  tags: readonly string[];
  /** metadata-action flavor lines (`latest=false`, `prefix=app-`). */
  flavor?: readonly string[];
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
  shortShaLength?: number;
  logger?: Logger;
}

export interface ImageMetadata {
  version: Version;
  /** Tag names, in order (main first). */
  tagNames: string[];
  /** `image:tag` for every image and tag, image by image. */
  tags: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Tags, labels and annotations for a build, from the runner's variables and event payload only. */
export function computeImageMetadata(context: MetadataContext, options: ImageMetadataOptions): ImageMetadata {
  const rules = parseTagRules(options.tags);
  const flavor = options.flavor ? parseFlavor(options.flavor) : DEFAULT_FLAVOR;
  const version = computeVersion(rules, context, {
    flavor,
    shortShaLength: options.shortShaLength,
    logger: options.logger,
  });
  const names = tagNames(version, flavor);
  const base = ociLabels(context, version.main);
  const merge = (field: 'labels' | 'annotations'): Record<string, string> => {
    try {
      return mergeLabels(base, options[field] ?? {}, context);
    } catch (error) {
      if (error instanceof TemplateError) throw new TemplateError(error.message, field);
      throw error;
    }
  };
  return {
    version,
    tagNames: names,
    tags: options.images.flatMap((image) => names.map((tag) => `${image}:${tag}`)),
    labels: merge('labels'),
    annotations: merge('annotations'),
  };
}
