export {
  lexDockerfile,
  type Directive,
  type DockerfileSyntax,
  type Instruction,
  type Word,
} from './dockerfile-lexer';
export { scanDockerfile } from './dockerfile-refs';
export { DEFAULT_PATHS, fileKind, type PinFileKind } from './file-kind';
export { findFiles } from './find-files';
export { applyMirror, parseMirrors, type Mirror } from './mirrors';
export { repin, type PinChange, type RepinOptions, type RepinResult, type RewrittenFile } from './repin';
export { PinResolver, type PinDescriptor, type PinRegistryClient, type Resolution } from './resolver';
export { applyReplacements, splitWritten } from './rewrite';
export { scanFile } from './scan-file';
export type {
  FileScan,
  ImageOccurrence,
  OccurrenceKind,
  Replacement,
  SkippedReference,
  SkipReason,
} from './types';
export { unifiedDiff } from './unified-diff';
export { scanYaml, type YamlFileKind } from './yaml-refs';
export { changesTable, pullRequestBody, skippedTable } from './report';
