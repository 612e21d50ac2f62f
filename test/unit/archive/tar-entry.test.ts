import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Header } from 'tar';
import { encodeHeader, padding } from '@sovereign-ci/archive';
import { fixturePath } from '../../harness/fixtures';

/** The header blocks of a real docker save archive, by path. */
function fixtureHeaders(): Map<string, Header> {
  const tar = readFileSync(fixturePath('docker-save', 'tars', 'hello-world-v25.tar'));
  const headers = new Map<string, Header>();
  for (let off = 0; off + 512 <= tar.length;) {
    const header = new Header(tar, off);
    if (header.nullBlock || !header.path) break;
    headers.set(header.path, header);
    off += 512 + Math.ceil((header.size ?? 0) / 512) * 512;
  }
  return headers;
}

const fields = (h: Header) => ({
  path: h.path,
  type: h.type,
  mode: h.mode,
  uid: h.uid,
  gid: h.gid,
  size: h.size,
  uname: h.uname,
  gname: h.gname,
  mtime: h.mtime?.getTime(),
  cksumValid: h.cksumValid,
});

describe('encodeHeader', () => {
  describe('when encoding the entries of the Docker 25 fixture', () => {
    it.each(['blobs/', 'blobs/sha256/', 'oci-layout', 'index.json', 'manifest.json'])(
      'gives %s the same ustar fields as docker save',
      (path) => {
        const theirs = fixtureHeaders().get(path);
        expect(theirs).toBeDefined();
        const t = theirs as Header;
        const ours = encodeHeader({
          path: path.replace(/\/$/, ''),
          type: t.type === 'Directory' ? 'Directory' : 'File',
          size: t.size ?? 0,
          mtime: t.mtime ?? new Date(0),
        });
        expect(ours.length).toEqual(512);
        expect(fields(new Header(ours, 0))).toEqual(fields(t));
      },
    );
  });

  describe('when a field does not fit ustar', () => {
    it('prepends a PAX header carrying the long path', () => {
      const longPath = `blobs/sha512/${'a'.repeat(128)}`;
      const blocks = encodeHeader({ path: longPath, type: 'File', size: 10, mtime: new Date(0) });
      expect(blocks.length % 512).toEqual(0);
      expect(blocks.length).toBeGreaterThan(512);
      expect(blocks.toString('latin1')).toContain(`path=${longPath}`);
    });
  });
});

describe('padding', () => {
  it.each([
    [0, 0],
    [1, 511],
    [512, 0],
    [10752, 0],
    [447, 65],
  ])('pads %i bytes with %i zeros', (size, expected) => {
    expect(padding(size)).toEqual(Buffer.alloc(expected));
  });
});
