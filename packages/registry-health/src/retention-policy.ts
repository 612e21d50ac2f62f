import picomatch from 'picomatch';

/** One version of one package: a tag, or a `sha256:` version (untagged manifest, e.g. an index child). */
export interface PackageVersion {
  package: string;
  version: string;
  created: Date;
}

export interface RetentionPolicy {
  /** Newest tags to keep per package. */
  keep: number;
  /** Tag globs never deleted (`latest` is always protected). */
  protect: string[];
  /** Also delete `sha256:` versions that no kept manifest references. */
  deleteUntagged: boolean;
}

export type KeepReason =
  'newest' | 'protected' | 'referenced' | 'untagged' | 'signature' | 'uncertain' | 'shares-digest';

export interface Decision extends PackageVersion {
  action: 'keep' | 'delete';
  reason: KeepReason | 'beyond-keep' | 'unreferenced' | 'orphaned-signature';
}

const digestVersion = /^sha256:[0-9a-f]{64}$/;
/** cosign-style tags attached to a subject digest: sha256-<hex>, sha256-<hex>.sig/.att/.sbom. */
const attachedTag = /^sha256-([0-9a-f]{64})(\.[a-z]+)?$/;

export function isDigestVersion(version: string): boolean {
  return digestVersion.test(version);
}

/** The subject digest a signature/attestation/referrers tag belongs to. */
export function attachedSubject(version: string): string | undefined {
  const match = attachedTag.exec(version);
  return match ? `sha256:${match[1]}` : undefined;
}

/** Step one: which ordinary tags of each package stay (newest `keep` by creation, plus protected ones). */
export function selectTags(versions: readonly PackageVersion[], policy: RetentionPolicy): Decision[] {
  const isProtected = picomatch(['latest', ...policy.protect]);
  const byPackage = new Map<string, PackageVersion[]>();
  for (const version of versions) {
    if (isDigestVersion(version.version) || attachedSubject(version.version)) continue;
    let tags = byPackage.get(version.package);
    if (!tags) byPackage.set(version.package, (tags = []));
    tags.push(version);
  }
  const decisions: Decision[] = [];
  for (const tags of byPackage.values()) {
    const newestFirst = [...tags].sort(
      (a, b) => b.created.getTime() - a.created.getTime() || a.version.localeCompare(b.version),
    );
    newestFirst.forEach((tag, index) => {
      if (index < policy.keep) decisions.push({ ...tag, action: 'keep', reason: 'newest' });
      else if (isProtected(tag.version)) decisions.push({ ...tag, action: 'keep', reason: 'protected' });
      else decisions.push({ ...tag, action: 'delete', reason: 'beyond-keep' });
    });
  }
  return decisions;
}

/**
 * Step two, once the digests that kept tags point at (and their index children) are known: decides the
 * `sha256:` versions, then the signature tags (kept while their subject is kept). `keptDigests` undefined
 * for a package means some kept tag could not be read, so nothing untagged in it may be deleted.
 */
export function decideAttached(
  versions: readonly PackageVersion[],
  policy: RetentionPolicy,
  keptDigests: ReadonlyMap<string, ReadonlySet<string> | undefined>,
): Decision[] {
  const decisions: Decision[] = [];
  const keptByPackage = new Map<string, Set<string>>();
  for (const version of versions.filter((v) => isDigestVersion(v.version))) {
    const kept = keptDigests.get(version.package);
    let decision: Decision;
    if (kept === undefined) decision = { ...version, action: 'keep', reason: 'uncertain' };
    else if (kept.has(version.version)) decision = { ...version, action: 'keep', reason: 'referenced' };
    else if (policy.deleteUntagged) decision = { ...version, action: 'delete', reason: 'unreferenced' };
    else decision = { ...version, action: 'keep', reason: 'untagged' };
    if (decision.action === 'keep') {
      keptByPackage.set(
        version.package,
        (keptByPackage.get(version.package) ?? new Set()).add(version.version),
      );
    }
    decisions.push(decision);
  }
  for (const version of versions) {
    const subject = attachedSubject(version.version);
    if (!subject) continue;
    const kept = keptDigests.get(version.package);
    if (kept === undefined) decisions.push({ ...version, action: 'keep', reason: 'uncertain' });
    else if (kept.has(subject) || keptByPackage.get(version.package)?.has(subject)) {
      decisions.push({ ...version, action: 'keep', reason: 'signature' });
    } else decisions.push({ ...version, action: 'delete', reason: 'orphaned-signature' });
  }
  return decisions;
}
