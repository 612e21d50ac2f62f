/** What the value under a key (or an array element) is to the report reader. */
export interface Slot {
  /** A container role, or SKIP for a scalar to capture or to skip. */
  role: number;
  /** The model field a scalar is captured into. */
  field?: string;
  bytes: Buffer;
}

// Container roles. Anything without a slot is skipped without being built.
export const SKIP = 0;
export const ROOT = 1;
export const RESULTS = 2;
export const RESULT = 3;
export const VULNS = 4;
export const VULN = 5;
export const PKG_IDENTIFIER = 6;

const slot = (key: string, role: number, field?: string): Slot => ({
  role,
  field,
  bytes: Buffer.from(key, 'latin1'),
});

const KEYS: Record<number, Slot[]> = {
  [ROOT]: [
    slot('SchemaVersion', SKIP, 'schemaVersion'),
    slot('ArtifactName', SKIP, 'artifactName'),
    slot('ArtifactType', SKIP, 'artifactType'),
    slot('Results', RESULTS),
  ],
  [RESULT]: [
    slot('Target', SKIP, 'target'),
    slot('Class', SKIP, 'class'),
    slot('Type', SKIP, 'type'),
    slot('Vulnerabilities', VULNS),
  ],
  [VULN]: [
    slot('VulnerabilityID', SKIP, 'id'),
    slot('PkgID', SKIP, 'pkgId'),
    slot('PkgName', SKIP, 'pkgName'),
    slot('PkgPath', SKIP, 'pkgPath'),
    slot('InstalledVersion', SKIP, 'installedVersion'),
    slot('FixedVersion', SKIP, 'fixedVersion'),
    slot('Status', SKIP, 'status'),
    slot('Severity', SKIP, 'severity'),
    slot('Title', SKIP, 'title'),
    slot('PrimaryURL', SKIP, 'primaryUrl'),
    slot('PkgIdentifier', PKG_IDENTIFIER),
  ],
  [PKG_IDENTIFIER]: [slot('PURL', SKIP, 'purl')],
};

/** The element slot of the arrays the reader descends into. */
export const ELEMENT: Record<number, Slot | undefined> = {
  [RESULTS]: slot('', RESULT),
  [VULNS]: slot('', VULN),
};

/** Per role, the slots by key length: a key is matched on its bytes, never decoded. */
const BY_LENGTH: Record<number, Slot[][]> = {};
for (const [role, slots] of Object.entries(KEYS)) {
  const table: Slot[][] = [];
  for (const s of slots) (table[s.bytes.length] ??= []).push(s);
  BY_LENGTH[Number(role)] = table;
}

export function lookupKey(role: number, buf: Buffer, start: number, end: number): Slot | undefined {
  const candidates = BY_LENGTH[role]?.[end - start];
  if (!candidates) return undefined;
  outer: for (const candidate of candidates) {
    const bytes = candidate.bytes;
    for (let k = 0; k < bytes.length; k++) if (buf[start + k] !== bytes[k]) continue outer;
    return candidate;
  }
  return undefined;
}

export function describeRole(role: number): string {
  return role === RESULTS
    ? 'Results'
    : role === VULNS
      ? 'Vulnerabilities'
      : role === RESULT
        ? 'Results[]'
        : role === VULN
          ? 'Vulnerabilities[]'
          : 'PkgIdentifier';
}
