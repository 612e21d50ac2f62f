import {
  InputError,
  readEnum,
  readList,
  readMap,
  readRequired,
  readString,
  type InputSource,
  readRegistryTrust,
} from '@sovereign-ci/action-kit';
import {
  KeyError,
  loadPublicKeys,
  parseSignatureRepository,
  type PublicKey,
  type SignatureRepository,
  type VerifyFormat,
} from '@sovereign-ci/cosign';
import { parseReference, type ImageReference } from '@sovereign-ci/oci';

export interface VerifyInputs {
  images: { input: string; ref: ImageReference }[];
  keys: PublicKey[];
  annotations: Record<string, string>;
  format: VerifyFormat;
  signatureRepository?: SignatureRepository;
  caFile?: string;
  insecureRegistries: string[];
}

function readImages(env: InputSource): { input: string; ref: ImageReference }[] {
  const images = readList(env, 'images');
  if (images.length === 0) throw new InputError('images', 'is required but was not set');
  return images.map((input) => {
    try {
      return { input, ref: parseReference(input) };
    } catch (error) {
      throw new InputError('images', (error as Error).message, { cause: error });
    }
  });
}

function readKeys(env: InputSource): PublicKey[] {
  const text = readRequired(env, 'public-keys', { keepWhitespace: true });
  try {
    return loadPublicKeys(text);
  } catch (error) {
    if (error instanceof KeyError) throw new InputError('public-keys', error.message, { cause: error });
    throw error;
  }
}

export function readInputs(env: InputSource): VerifyInputs {
  const images = readImages(env);
  const keys = readKeys(env);
  const repository = readString(env, 'signature-repository');
  let signatureRepository: SignatureRepository | undefined;
  try {
    signatureRepository = repository === undefined ? undefined : parseSignatureRepository(repository);
  } catch (error) {
    throw new InputError('signature-repository', (error as Error).message, { cause: error });
  }
  return {
    images,
    keys,
    annotations: readMap(env, 'annotations'),
    format: readEnum(env, 'format', ['auto', 'legacy', 'bundle'] as const, 'auto'),
    ...(signatureRepository ? { signatureRepository } : {}),
    ...readRegistryTrust(env),
  };
}
