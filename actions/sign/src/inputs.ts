import {
  InputError,
  maskSecret,
  readEnum,
  readList,
  readMap,
  readRequired,
  readString,
  type InputSource,
  readRegistryTrust,
} from '@sovereign-ci/action-kit';
import { parseSignatureRepository, type SignatureRepository, type SignFormat } from '@sovereign-ci/cosign';
import { parseReference, type ImageReference } from '@sovereign-ci/oci';

export interface SignInputs {
  images: { input: string; ref: ImageReference }[];
  key: string;
  /** Undefined when neither the input nor COSIGN_PASSWORD was set (an empty password is tried). */
  password?: string;
  annotations: Record<string, string>;
  format: SignFormat;
  signatureRepository?: SignatureRepository;
  /** A Rekor instance to record legacy signatures in; undefined: no transparency-log upload. */
  rekorUrl?: string;
  caFile?: string;
  insecureRegistries: string[];
}

export function readImages(env: InputSource, name = 'images'): { input: string; ref: ImageReference }[] {
  const images = readList(env, name);
  if (images.length === 0) throw new InputError(name, 'is required but was not set');
  return images.map((input) => {
    try {
      return { input, ref: parseReference(input) };
    } catch (error) {
      throw new InputError(name, (error as Error).message, { cause: error });
    }
  });
}

/** The `password` input, else COSIGN_PASSWORD (set but empty means empty), else undefined. */
export function readPassword(env: InputSource): string | undefined {
  const input = readString(env, 'password', { secret: true, keepWhitespace: true });
  if (input !== undefined) return input;
  const fromEnv = env.COSIGN_PASSWORD;
  if (fromEnv !== undefined) maskSecret(fromEnv);
  return fromEnv;
}

export function readSignatureRepository(env: InputSource): SignatureRepository | undefined {
  const value = readString(env, 'signature-repository');
  if (value === undefined) return undefined;
  try {
    return parseSignatureRepository(value);
  } catch (error) {
    throw new InputError('signature-repository', (error as Error).message, { cause: error });
  }
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * `rekor-url`: the base URL of a Rekor instance (`https://rekor.internal`), https (plain http only on
 * loopback), no credentials, query or fragment. Empty: undefined (no upload).
 */
export function readRekorUrl(env: InputSource): string | undefined {
  const value = readString(env, 'rekor-url');
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError('rekor-url', `expected a URL such as https://rekor.internal, got '${value}'`);
  }
  if (url.username !== '' || url.password !== '')
    throw new InputError('rekor-url', 'must not carry credentials');
  if (url.search !== '' || url.hash !== '')
    throw new InputError('rekor-url', 'must be a base URL, without a query or fragment');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname)))
    throw new InputError(
      'rekor-url',
      `expected an https:// URL (plain http only on loopback), got '${value}'`,
    );
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function readInputs(env: InputSource): SignInputs {
  const images = readImages(env);
  const key = readRequired(env, 'key', { secret: true, keepWhitespace: true });
  if (!key.includes('-----BEGIN ')) {
    throw new InputError('key', 'expected the PEM content of a private key (-----BEGIN … PRIVATE KEY-----)');
  }
  const password = readPassword(env);
  const signatureRepository = readSignatureRepository(env);
  const format = readEnum(env, 'format', ['legacy', 'bundle', 'both'] as const, 'legacy');
  const rekorUrl = readRekorUrl(env);
  if (rekorUrl !== undefined && format !== 'legacy') {
    throw new InputError(
      'rekor-url',
      `transparency-log upload is implemented for format legacy only, not '${format}'`,
    );
  }
  return {
    images,
    key,
    ...(password !== undefined ? { password } : {}),
    annotations: readMap(env, 'annotations'),
    format,
    ...(signatureRepository ? { signatureRepository } : {}),
    ...(rekorUrl !== undefined ? { rekorUrl } : {}),
    ...readRegistryTrust(env),
  };
}
