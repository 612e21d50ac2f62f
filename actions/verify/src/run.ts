import { maskSecret, type ActionContext } from '@sovereign-ci/action-kit';
import {
  verificationFailure,
  verificationMarkdown,
  verificationTable,
  verifyImage,
  type ImageVerification,
} from '@sovereign-ci/cosign';
import { dockerConfigClient } from '@sovereign-ci/oci';
import { readInputs } from './inputs';

export async function run(ctx: ActionContext): Promise<void> {
  const inputs = readInputs(ctx.env);
  const client = dockerConfigClient(ctx.env, { ...inputs, logger: ctx.logger, maskSecret });
  const results: ImageVerification[] = [];
  try {
    for (const image of inputs.images) {
      results.push(
        await verifyImage(image.input, image.ref, {
          client,
          keys: inputs.keys,
          format: inputs.format,
          annotations: inputs.annotations,
          ...(inputs.signatureRepository ? { signatureRepository: inputs.signatureRepository } : {}),
          logger: ctx.logger,
        }),
      );
    }
  } finally {
    await client.close();
  }
  ctx.outputs.set(
    'verified',
    results
      .filter((r) => r.verified)
      .map((r) => r.reference)
      .join('\n'),
  );
  ctx.outputs.setLarge('results', results);
  ctx.summary.write(`### Signature verification\n\n${verificationMarkdown(results)}\n`);
  const failure = verificationFailure(results);
  if (failure) throw failure;
  ctx.logger.info(verificationTable(results));
}
