export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `WWW-Authenticate` (`Bearer realm="…",service="…",scope="…"`, `Basic realm="…"`), several challenges allowed. */
export function parseWwwAuthenticate(value: string | undefined): Challenge[] {
  if (!value) return [];
  const challenges: Challenge[] = [];
  const re = /\s*([A-Za-z][\w-]*)(?:\s+|$)|\s*([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/gy;
  let current: Challenge | undefined;
  let i = 0;
  while (i < value.length) {
    re.lastIndex = i;
    const m = re.exec(value);
    if (!m || m[0] === '') {
      i++;
      continue;
    }
    i = re.lastIndex;
    if (m[1] !== undefined && !value.slice(i).trimStart().startsWith('=')) {
      current = { scheme: m[1].toLowerCase(), params: {} };
      challenges.push(current);
    } else if (m[2] !== undefined && current) {
      current.params[m[2].toLowerCase()] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? '');
    }
    while (value[i] === ',' || value[i] === ' ') i++;
  }
  return challenges;
}
