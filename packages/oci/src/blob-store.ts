import type { Readable } from 'node:stream';
import type { BlobPushOptions, BlobSource, BlobStore, Descriptor, Digest } from './types';
import { verifyingBlobStream } from './blob-reader';
import { uploadBlob, type UploadContext } from './blob-upload';
import { uploadComputed, type BlobShape } from './blob-upload-computed';
import { RegistryError } from './registry-error';
import { header } from './transport';

export const DEFAULT_BLOB_BYTES_CAP = 16 * 1024 * 1024;

/** Blobs of one repository. */
export class RemoteBlobStore implements BlobStore {
  constructor(private readonly ctx: UploadContext) {}

  private get pull(): string[] {
    return [`repository:${this.ctx.name}:pull`];
  }

  private where(): string {
    return `${this.ctx.session.registry}/${this.ctx.name}`;
  }

  async exists(digest: Digest): Promise<Descriptor | undefined> {
    const res = await this.ctx.session.request({
      method: 'HEAD',
      path: `/v2/${this.ctx.name}/blobs/${digest}`,
      scopes: this.pull,
      followRedirects: true,
      allowStatus: [404],
      what: `blob ${digest} in ${this.ctx.name}`,
    });
    await res.body.dump();
    if (res.status === 404) return undefined;
    return {
      mediaType: 'application/octet-stream',
      digest,
      size: Number(header(res, 'content-length') ?? 0),
    };
  }

  async fetch(descriptor: Descriptor): Promise<Readable> {
    const open = async (offset: number) => {
      const res = await this.ctx.session.request({
        method: 'GET',
        path: `/v2/${this.ctx.name}/blobs/${descriptor.digest}`,
        scopes: this.pull,
        followRedirects: true,
        headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
        what: `blob ${descriptor.digest} in ${this.ctx.name}`,
      });
      const length = header(res, 'content-length');
      if (offset === 0 && length !== undefined && Number(length) !== descriptor.size) {
        await res.body.dump();
        throw new RegistryError(
          `${this.where()} serves blob ${descriptor.digest} with ${length} bytes; its descriptor says ${descriptor.size}`,
          { code: 'SIZE_MISMATCH', method: 'GET', url: res.url },
        );
      }
      return { body: res.body, restarted: offset > 0 && res.status !== 206 };
    };
    // Opened here, so a missing blob or a refusal rejects fetch() itself.
    const first = await open(0);
    return verifyingBlobStream(open, descriptor, this.where(), first.body);
  }

  async fetchBytes(descriptor: Descriptor, maxBytes = DEFAULT_BLOB_BYTES_CAP): Promise<Buffer> {
    if (descriptor.size > maxBytes) {
      throw new RegistryError(
        `blob ${descriptor.digest} in ${this.where()} is ${descriptor.size} bytes; more than the ${maxBytes} allowed here`,
        { code: 'TOO_LARGE' },
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of await this.fetch(descriptor)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async push(expected: Descriptor, source: BlobSource, options?: BlobPushOptions): Promise<void> {
    if (await this.exists(expected.digest)) {
      options?.onProgress?.(expected.size);
      return;
    }
    await uploadBlob(this.ctx, expected, source, options);
  }

  pushComputed(shape: BlobShape, source: () => Readable, options?: BlobPushOptions): Promise<Descriptor> {
    return uploadComputed(this.ctx, shape, source, options);
  }

  async mount(descriptor: Descriptor, fromRepository: string): Promise<boolean> {
    const query = new URLSearchParams({ mount: descriptor.digest, from: fromRepository });
    const res = await this.ctx.session.request({
      method: 'POST',
      path: `/v2/${this.ctx.name}/blobs/uploads/?${query.toString()}`,
      scopes: [`repository:${this.ctx.name}:pull,push`, `repository:${fromRepository}:pull`],
      headers: { 'content-length': '0' },
      allowStatus: [404, 403, 401],
      what: `mount of ${descriptor.digest} from ${fromRepository} into ${this.ctx.name}`,
    });
    await res.body.dump();
    if (res.status === 201) return true;
    const location = header(res, 'location');
    if (res.status === 202 && location) {
      const cancel = await this.ctx.session
        .request({
          method: 'DELETE',
          path: location,
          scopes: [`repository:${this.ctx.name}:pull,push`],
          allowStatus: [404, 405, 400],
        })
        .catch(() => undefined);
      await cancel?.body.dump();
    }
    return false;
  }

  async delete(digest: Digest): Promise<void> {
    const res = await this.ctx.session.request({
      method: 'DELETE',
      path: `/v2/${this.ctx.name}/blobs/${digest}`,
      scopes: [`repository:${this.ctx.name}:delete`],
      what: `delete of blob ${digest} in ${this.ctx.name}`,
    });
    await res.body.dump();
  }
}
