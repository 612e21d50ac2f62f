import type { Replacement } from './types';

/** Replaces each span with its text; everything outside the spans is kept as is. Spans must not overlap. */
export function applyReplacements(text: string, replacements: readonly Replacement[]): string {
  const sorted = [...replacements].sort((a, b) => a.start - b.start);
  let out = '';
  let cursor = 0;
  for (const r of sorted) {
    if (r.start < cursor || r.end < r.start || r.end > text.length) {
      throw new Error(`overlapping or out-of-range replacement at ${r.start}-${r.end}`);
    }
    out += text.slice(cursor, r.start) + r.text;
    cursor = r.end;
  }
  return out + text.slice(cursor);
}

/** Splits a written reference into its name (as written, without tag and digest), tag and digest. */
export function splitWritten(text: string): { name: string; tag?: string; digest?: string } {
  const at = text.indexOf('@');
  const digest = at < 0 ? undefined : text.slice(at + 1);
  let name = at < 0 ? text : text.slice(0, at);
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > slash) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  const out: { name: string; tag?: string; digest?: string } = { name };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}
