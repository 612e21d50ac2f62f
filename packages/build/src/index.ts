export {
  buildImage,
  registriesWithoutCredentials,
  type Builder,
  type BuildImageOptions,
} from './build-image';
export {
  parseRegistryMirror,
  registryOf,
  type BuildResult,
  type BuildSpec,
  type RegistryMirror,
} from './build-spec';
export {
  buildahBudArgs,
  buildahGlobalArgs,
  buildahPushArgs,
  type BuildahFiles,
  type BuildahStorage,
} from './buildah-args';
export { buildWithBuildah, type BuildahBuildOptions } from './buildah-build';
export {
  CommandError,
  nodeCommandRunner,
  runChecked,
  type CommandOptions,
  type CommandResult,
  type CommandRunner,
} from './command-runner';
export { computeVersion, globalScope, tagNames, type ComputeTagsOptions, type Version } from './compute-tags';
export { formatDate } from './date-format';
export { baseImageRegistries } from './dockerfile-bases';
export { DEFAULT_FLAVOR, parseFlavor, type Flavor } from './flavor';
export { computeImageMetadata, type ImageMetadata, type ImageMetadataOptions } from './image-metadata';
export { kanikoArgs, kanikoRegistryKey, kanikoTlsRegistries, type KanikoPaths } from './kaniko-args';
export {
  buildWithKaniko,
  DEFAULT_KANIKO_IMAGE,
  detectKanikoMode,
  KANIKO_EXECUTOR_PATH,
  KANIKO_SETUP_HELP,
  kanikoDockerArgs,
  parseKanikoDigests,
  type KanikoBuildOptions,
  type KanikoEnvironment,
  type KanikoMode,
} from './kaniko-build';
export {
  isDefaultBranch,
  metadataContext,
  readEventPayload,
  type EventPayload,
  type MetadataContext,
  type MetadataContextOptions,
  type RunnerInfo,
} from './metadata-context';
export { mergeLabels, ociLabels, sortedRecord } from './oci-labels';
export { registriesConf } from './registries-conf';
export { registryClientStore } from './registry-client-store';
export { isValidTagName, sanitizeTag, TAG_PATTERN } from './sanitize-tag';
export {
  DEFAULT_PRIORITIES,
  DEFAULT_TAG_RULES,
  parseTagRule,
  parseTagRules,
  splitCsv,
  TagRuleError,
  type TagRule,
  type TagRuleType,
} from './tag-rules';
export {
  isSingleExpression,
  renderTemplate,
  TemplateError,
  type TemplateScope,
  type TemplateValue,
} from './template';
export {
  verifyPushed,
  type PushedImageStore,
  type VerifyOptions,
  type VerifyRow,
  type VerifyStatus,
} from './verify-push';
