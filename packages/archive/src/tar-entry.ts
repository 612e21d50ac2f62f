import { Header, Pax } from 'tar';

/** ustar block size. */
export const BLOCK = 512;

/** Two zero blocks: the end-of-archive marker. */
export const END_OF_ARCHIVE: Buffer = Buffer.alloc(2 * BLOCK);

export interface TarEntryHeader {
  path: string;
  type: 'File' | 'Directory';
  size: number;
  mtime: Date;
}

/**
 * The header block(s) of one entry, encoded by `tar`'s Header (ustar, root-owned, 0644/0755). A PAX
 * extended header is prepended when a field does not fit ustar (a path over 100 bytes, a size over 8 GiB).
 *
 * We encode headers with `tar` but stream bodies ourselves: `tar`'s Pack only adds entries from the file
 * system or ReadEntry objects produced by its own Parser, so a blob of known size arriving from the
 * network cannot be fed to it without buffering it or building parser internals by hand.
 */
export function encodeHeader(entry: TarEntryHeader): Buffer {
  const data = {
    path: entry.type === 'Directory' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path,
    type: entry.type,
    mode: entry.type === 'Directory' ? 0o755 : 0o644,
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
    size: entry.type === 'Directory' ? 0 : entry.size,
    mtime: entry.mtime,
  };
  const header = new Header(data);
  const block = Buffer.alloc(BLOCK);
  const needPax = header.encode(block, 0);
  if (!needPax) return block;
  return Buffer.concat([new Pax(data).encode(), block]);
}

/** Zero bytes that pad a body of `size` bytes to a whole block. */
export function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rest);
}
