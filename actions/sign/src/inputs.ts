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

export function readInputs(env: InputSource): SignInputs {
  const images = readImages(env);
  const key = readRequired(env, 'key', { secret: true, keepWhitespace: true });
  if (!key.includes('-----BEGIN ')) {
    throw new InputError('key', 'expected the PEM content of a private key (-----BEGIN … PRIVATE KEY-----)');
  }
  const password = readPassword(env);
  const signatureRepository = readSignatureRepository(env);
  return {
    images,
    key,
    ...(password !== undefined ? { password } : {}),
    annotations: readMap(env, 'annotations'),
    format: readEnum(env, 'format', ['legacy', 'bundle', 'both'] as const, 'legacy'),
    ...(signatureRepository ? { signatureRepository } : {}),
    ...readRegistryTrust(env),
  };
}
