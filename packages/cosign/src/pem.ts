export interface PemBlock {
  type: string;
  bytes: Buffer;
}

const blockPattern = /-----BEGIN ([A-Z0-9 #-]+)-----\r?\n?([\s\S]*?)-----END \1-----/g;

/** Every PEM block in `text`, in order (headers such as `Proc-Type:` are skipped, as Go's pem.Decode does). */
export function decodePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(blockPattern)) {
    const body = (match[2] ?? '')
      .split(/\r?\n/)
      .filter((line) => !line.includes(':'))
      .join('')
      .replace(/\s+/g, '');
    blocks.push({ type: match[1] as string, bytes: Buffer.from(body, 'base64') });
  }
  return blocks;
}

/** A PEM block as Go's pem.EncodeToMemory writes it: 64-character lines, trailing newline. */
export function encodePem(type: string, bytes: Buffer): string {
  const body = bytes.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${type}-----\n${body}${body.endsWith('\n') || body === '' ? '' : '\n'}-----END ${type}-----\n`;
}
