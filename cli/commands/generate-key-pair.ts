import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateKeyPair } from '@sovereign-ci/cosign';
import type { KeyAlgorithm } from '@sovereign-ci/cosign';
import type { Command } from '../command';
import { UsageError } from '../errors';
import { parseOptions } from '../parse-options';

const ALGORITHMS: readonly KeyAlgorithm[] = ['ecdsa-p256', 'ecdsa-p384', 'ed25519'];

export const generateKeyPairCommand: Command = {
  summary: 'write a cosign-compatible key pair (<prefix>.key, encrypted, and <prefix>.pub)',
  usage: [
    'sovereign-ci generate-key-pair [--output-key-prefix cosign] [--algorithm ecdsa-p256] [--force]',
    '',
    '  --output-key-prefix  file names: <prefix>.key and <prefix>.pub (default cosign)',
    '  --algorithm          ecdsa-p256 (default, as cosign), ecdsa-p384 or ed25519',
    '  --force              overwrite existing files',
    '',
    'The private key is encrypted with $COSIGN_PASSWORD (which must be set; it may be empty),',
    'exactly as `cosign generate-key-pair` writes it. Prints the two paths as JSON.',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseOptions(args, {
      'output-key-prefix': { type: 'string' },
      algorithm: { type: 'string' },
      force: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument(s): ${positionals.join(' ')}`);
    const algorithm = (values.algorithm ?? 'ecdsa-p256') as KeyAlgorithm;
    if (!ALGORITHMS.includes(algorithm)) {
      throw new UsageError(`--algorithm expects one of ${ALGORITHMS.join(', ')}, got ${values.algorithm}`);
    }
    const password = io.env.COSIGN_PASSWORD;
    if (password === undefined) {
      throw new UsageError('set COSIGN_PASSWORD to the password for the private key (it may be empty)');
    }
    const prefix = path.resolve(io.cwd, values['output-key-prefix'] ?? 'cosign');
    const keyFile = `${prefix}.key`;
    const pubFile = `${prefix}.pub`;
    for (const file of [keyFile, pubFile]) {
      if (existsSync(file) && !values.force)
        throw new UsageError(`${file} exists; pass --force to overwrite it`);
    }
    const pair = await generateKeyPair(password, { algorithm });
    await writeFile(keyFile, pair.privateKeyPem, { mode: 0o600 });
    await writeFile(pubFile, pair.publicKeyPem, { mode: 0o644 });
    io.err(`Private key written to ${keyFile}\nPublic key written to ${pubFile}\n`);
    io.out(`${JSON.stringify({ privateKey: keyFile, publicKey: pubFile })}\n`);
    return 0;
  },
};
