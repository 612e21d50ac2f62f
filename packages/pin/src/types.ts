/** Where an image reference was found. */
export type OccurrenceKind =
  | 'from'
  | 'arg'
  | 'copy-from'
  | 'mount-from'
  | 'syntax'
  | 'compose'
  | 'workflow-container'
  | 'workflow-service'
  | 'workflow-uses'
  | 'image-field';

/** Why a reference is not pinned. */
export type SkipReason =
  'scratch' | 'stage-alias' | 'variable' | 'pinned' | 'unresolved' | 'invalid' | 'unsupported';

/** A located image reference: `start`/`end` index the file's decoded text, `byteStart`/`byteEnd` its bytes. */
export interface ImageOccurrence {
  file: string;
  kind: OccurrenceKind;
  /** 1-based line of `start`. */
  line: number;
  start: number;
  end: number;
  byteStart: number;
  byteEnd: number;
  /** The reference text exactly as written (the span's content). */
  text: string;
}

export interface SkippedReference {
  file: string;
  line: number;
  kind: OccurrenceKind;
  /** The reference as written (may contain variables). */
  image: string;
  reason: SkipReason;
  detail?: string;
}

/** What a parser found in one file. */
export interface FileScan {
  file: string;
  occurrences: ImageOccurrence[];
  skipped: SkippedReference[];
}

/** One span replacement. */
export interface Replacement {
  start: number;
  end: number;
  text: string;
}
