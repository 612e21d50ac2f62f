/** A package URL (https://github.com/package-url/purl-spec), decoded. */
export interface PackageUrl {
  type: string;
  namespace: string;
  name: string;
  version: string;
  qualifiers: Record<string, string>;
  subpath: string;
}

const decode = (text: string) => decodeURIComponent(text);

/** Parses `pkg:type/namespace/name@version?qualifiers#subpath`; throws on anything else. */
export function parsePurl(text: string): PackageUrl {
  if (!text.startsWith('pkg:')) throw new Error(`invalid package URL '${text}': no 'pkg:' scheme`);
  let rest = text.slice(4).replace(/^\/+/, '');
  let subpath = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    subpath = rest
      .slice(hash + 1)
      .split('/')
      .filter((s) => s && s !== '.' && s !== '..')
      .map(decode)
      .join('/');
    rest = rest.slice(0, hash);
  }
  const qualifiers: Record<string, string> = {};
  const question = rest.indexOf('?');
  if (question >= 0) {
    for (const pair of rest.slice(question + 1).split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`invalid package URL '${text}': qualifier '${pair}' is not key=value`);
      const value = decode(pair.slice(eq + 1));
      if (value) qualifiers[pair.slice(0, eq).toLowerCase()] = value;
    }
    rest = rest.slice(0, question);
  }
  const slash = rest.indexOf('/');
  if (slash <= 0) throw new Error(`invalid package URL '${text}': no type or name`);
  const type = rest.slice(0, slash).toLowerCase();
  let path = rest.slice(slash + 1).replace(/\/+$/, '');
  let version = '';
  const at = path.lastIndexOf('@');
  if (at >= 0) {
    version = decode(path.slice(at + 1));
    path = path.slice(0, at);
  }
  const segments = path.split('/').filter(Boolean);
  const name = segments.pop();
  if (!name) throw new Error(`invalid package URL '${text}': no name`);
  return {
    type,
    namespace: segments.map(decode).join('/'),
    name: decode(name),
    version,
    qualifiers,
    subpath,
  };
}

/**
 * Whether `target` is the package `pattern` names, as Trivy matches ignore-file purls (pkg/purl): type,
 * namespace and name equal; version and subpath only when the pattern has them; the pattern's qualifiers
 * all present in the target with the same values.
 */
export function purlMatches(pattern: PackageUrl, target: PackageUrl): boolean {
  if (pattern.type !== target.type || pattern.namespace !== target.namespace || pattern.name !== target.name)
    return false;
  if (pattern.version && pattern.version !== target.version) return false;
  if (pattern.subpath && pattern.subpath !== target.subpath) return false;
  return Object.entries(pattern.qualifiers).every(([key, value]) => target.qualifiers[key] === value);
}
