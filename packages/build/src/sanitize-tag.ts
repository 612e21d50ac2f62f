/** The registry's tag grammar (distribution's reference package). */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Makes a value a valid tag: runs of characters outside `[A-Za-z0-9._-]` become `-` (as metadata-action
 * does), then — beyond metadata-action, whose output the registry would reject — leading `.` and `-` are
 * dropped and the result is cut to 128 characters. Returns '' when nothing valid is left.
 */
export function sanitizeTag(value: string): string {
  return value
    .replace(/[^a-zA-Z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128);
}

export function isValidTagName(tag: string): boolean {
  return TAG_PATTERN.test(tag);
}
