import { InputError, markdownTable, type ActionContext, maskSecret } from '@sovereign-ci/action-kit';
import {
  KeyError,
  loadPrivateKey,
  RekorClient,
  RekorError,
  signImage,
  type SignedImage,
  type SigningKey,
} from '@sovereign-ci/cosign';
import { dockerConfigClient } from '@sovereign-ci/oci';
import { readInputs } from './inputs';

/** Key problems are input problems; a wrong password names the input that holds it. */
async function loadKey(pem: string, password: string | undefined): Promise<SigningKey> {
  try {
    return await loadPrivateKey(pem, password ?? '');
  } catch (error) {
    if (!(error instanceof KeyError)) throw error;
    if (error.message.startsWith('wrong password')) {
      const hint =
        password === undefined ? ' (no password was given: set the password input or COSIGN_PASSWORD)' : '';
      throw new InputError('password', `${error.message}${hint}`, { cause: error });
    }
    throw new InputError('key', error.message, { cause: error });
  }
}

export async function run(ctx: ActionContext): Promise<void> {
  const inputs = readInputs(ctx.env);
  const key = await loadKey(inputs.key, inputs.password);
  ctx.logger.info(
    `signing with a ${key.algorithm} key (public key hint ${key.publicKey.hint}), format ${inputs.format}`,
  );
  if (inputs.rekorUrl !== undefined && key.algorithm === 'ed25519') {
    // Rekor checks hashedrekord signatures over the digest (Ed25519ph); ours are pure Ed25519.
    throw new InputError('rekor-url', 'transparency-log upload needs an ECDSA key; this key is Ed25519');
  }
  const rekor =
    inputs.rekorUrl === undefined
      ? undefined
      : new RekorClient({ url: inputs.rekorUrl, ...(inputs.caFile ? { caFile: inputs.caFile } : {}) });
  const client = dockerConfigClient(ctx.env, { ...inputs, logger: ctx.logger, maskSecret });
  const signed: SignedImage[] = [];
  try {
    for (const image of inputs.images) {
      signed.push(
        await signImage(image.input, image.ref, {
          client,
          key,
          format: inputs.format,
          annotations: inputs.annotations,
          ...(inputs.signatureRepository ? { signatureRepository: inputs.signatureRepository } : {}),
          ...(rekor ? { rekor } : {}),
          logger: ctx.logger,
        }),
      );
    }
  } catch (error) {
    if (!(error instanceof RekorError)) throw error;
    const done = signed.length === 0 ? '' : ` (already signed: ${signed.map((s) => s.image).join(', ')})`;
    const failed = inputs.images[signed.length]?.input ?? '';
    throw new InputError('rekor-url', `${error.message}; no signature was pushed for ${failed}${done}`, {
      cause: error,
    });
  } finally {
    await client.close();
    await rekor?.close();
  }
  ctx.outputs.set('digests', [...new Set(signed.map((s) => s.digest))].join('\n'));
  ctx.outputs.setLarge('signatures', signed);
  const rows = signed.flatMap((s) =>
    s.signatures.map((sig) => [
      s.image,
      s.digest,
      sig.format,
      sig.reference,
      sig.written ? 'written' : 'already there',
    ]),
  );
  ctx.summary.write(
    `### Signed images\n\n${markdownTable(['image', 'digest', 'format', 'signature', 'state'], rows)}\n`,
  );
}
