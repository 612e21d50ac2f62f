import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fixturePath } from './fixtures';

/** A file of the fake model, served from disk (so large files stream). */
export interface HfFakeFile {
  path: string;
  size: number;
  /** sha256 hex of the content. */
  sha256: string;
  /** Git blob id (sha1 of `blob <size>\0<content>`): the tree `oid` of a non-LFS file. */
  gitOid: string;
  lfs: boolean;
  abs: string;
}

export interface HfFakeOptions {
  /** `org/name`. */
  repo: string;
  /** Every regular file below this directory is a file of the model. */
  dir: string;
  /** Files at least this big, and every *.safetensors / *.bin, are LFS files (default 1 MiB). */
  lfsThreshold?: number;
  /** Tags or extra branches besides `main`, all naming the one commit. */
  refs?: string[];
  /** Tree entries per page; the rest follows through `Link: <…>; rel="next"` (default 50). */
  pageSize?: number;
  /** API and resolve requests need `Authorization: Bearer <token>`: 401 without one, 403 with another. */
  requireToken?: string;
  /** Paths whose CDN bytes differ from their published sha256 (one byte flipped, same size). */
  corrupt?: string[];
  /** Another repo name that answers 307 to this one (a renamed model). */
  renamedFrom?: string;
}

export interface HfFakeRequest {
  method: string;
  url: string;
  authorization: boolean;
  status: number;
}

export interface HfFake {
  /** The Hub endpoint (`http://127.0.0.1:PORT`), for hf-endpoint. */
  url: string;
  /** The second server that LFS downloads redirect to. */
  cdnUrl: string;
  repo: string;
  commit: string;
  lastModified: string;
  files: HfFakeFile[];
  requests: HfFakeRequest[];
  cdnRequests: HfFakeRequest[];
  /** Bytes of file content the CDN and the resolve endpoint sent. */
  servedBytes(): number;
  stop(): Promise<void>;
}

const recorded = (name: string) => fixturePath('huggingface', 'api-responses', name);

/** Headers Hugging Face sends with API JSON (recorded), minus per-response ones. */
function recordedApiHeaders(): Record<string, string> {
  const meta = JSON.parse(
    readFileSync(recorded('models_google_bert_bert_base_uncased.meta.json'), 'utf8'),
  ) as {
    headers: Record<string, string[]>;
  };
  const keep = [
    'Access-Control-Allow-Origin',
    'Access-Control-Expose-Headers',
    'Vary',
    'X-Powered-By',
    'Referrer-Policy',
  ];
  return Object.fromEntries(keep.map((k) => [k, meta.headers[k]?.[0] ?? '']).filter(([, v]) => v !== ''));
}

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

async function describeFile(dir: string, rel: string, lfsThreshold: number): Promise<HfFakeFile> {
  const abs = path.join(dir, rel);
  const { size } = await stat(abs);
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1').update(`blob ${size}\0`);
  for await (const chunk of createReadStream(abs, { highWaterMark: 1 << 20 })) {
    sha256.update(chunk as Buffer);
    sha1.update(chunk as Buffer);
  }
  const lfs = size >= lfsThreshold || /\.(safetensors|bin)$/.test(rel);
  return { path: rel, size, sha256: sha256.digest('hex'), gitOid: sha1.digest('hex'), lfs, abs };
}

/** Tree entries in the shape of the recorded `/api/models/{repo}/tree/{rev}` response, with directories. */
function treeEntries(files: HfFakeFile[]): Record<string, unknown>[] {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries: Record<string, unknown>[] = [...dirs].map((d) => ({
    oid: createHash('sha1').update(`tree ${d}`).digest('hex'),
    path: d,
    size: 0,
    type: 'directory',
  }));
  for (const f of files) {
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${f.sha256}\nsize ${f.size}\n`;
    entries.push({
      ...(f.lfs ? { lfs: { oid: f.sha256, size: f.size, pointerSize: pointer.length } } : {}),
      oid: f.lfs ? createHash('sha1').update(`blob ${pointer.length}\0${pointer}`).digest('hex') : f.gitOid,
      path: f.path,
      size: f.size,
      type: 'file',
    });
  }
  return entries.sort((a, b) => String(a.path).localeCompare(String(b.path)));
}

/**
 * A fake Hugging Face Hub on 127.0.0.1 serving one generated model: the revision endpoint (the recorded
 * model-info JSON with this model's sha, lastModified and siblings), the paginated tree endpoint (the
 * recorded entry shape, with lfs oid/size), and `resolve` downloads — small files directly (ETag = git
 * blob id), LFS files by a 302 to a second "CDN" server on another port that records whether a request
 * ever carried an Authorization header.
 */
export async function startHfFake(options: HfFakeOptions): Promise<HfFake> {
  const threshold = options.lfsThreshold ?? 1024 * 1024;
  const files = await Promise.all(
    (await listFiles(options.dir)).map((rel) => describeFile(options.dir, rel, threshold)),
  );
  const commit = createHash('sha1')
    .update(files.map((f) => `${f.path}:${f.sha256}`).join('\n'))
    .digest('hex');
  const lastModified = '2025-01-22T18:24:33.000Z';
  const refs = new Set(['main', commit, ...(options.refs ?? [])]);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const bySha = new Map(files.map((f) => [f.sha256, f]));
  const corrupt = new Set(options.corrupt ?? []);
  const pageSize = options.pageSize ?? 50;
  const template = JSON.parse(
    readFileSync(recorded('models_google_bert_bert_base_uncased.json'), 'utf8'),
  ) as Record<string, unknown>;
  const apiHeaders = recordedApiHeaders();
  const requests: HfFakeRequest[] = [];
  const cdnRequests: HfFakeRequest[] = [];
  let served = 0;

  const cdn = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://cdn');
    const record = (status: number) =>
      cdnRequests.push({
        method: req.method ?? '',
        url: url.pathname,
        authorization: req.headers.authorization !== undefined,
        status,
      });
    const m = /^\/repos\/[0-9a-f]{2}\/[0-9a-f]{2}\/([0-9a-f]{64})$/.exec(url.pathname);
    const file = m ? bySha.get(m[1] as string) : undefined;
    if (!file || !url.searchParams.get('X-Amz-Signature')) {
      record(403);
      res
        .writeHead(403, { 'content-type': 'application/xml' })
        .end('<Error><Code>AccessDenied</Code></Error>');
      return;
    }
    sendFile(req, res, file, corrupt.has(file.path), { 'x-cache': 'Miss from cloudfront' }, record);
  });

  const sendFile = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    file: HfFakeFile,
    flip: boolean,
    headers: Record<string, string>,
    record: (status: number) => void,
  ) => {
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Math.min(Number(range[1]), file.size) : 0;
    const status = range ? 206 : 200;
    record(status);
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/octet-stream',
      'content-length': String(file.size - start),
      'accept-ranges': 'bytes',
      etag: `"${file.lfs ? file.sha256 : file.gitOid}"`,
      ...(range ? { 'content-range': `bytes ${start}-${file.size - 1}/${file.size}` } : {}),
    });
    if (req.method === 'HEAD' || file.size === start) return void res.end();
    const flipAt = Math.floor(file.size / 2);
    let at = start;
    const stream = createReadStream(file.abs, { start, highWaterMark: 1 << 20 });
    stream.on('data', (chunk) => {
      let buf = chunk as Buffer;
      if (flip && flipAt >= at && flipAt < at + buf.length) {
        buf = Buffer.from(buf);
        buf[flipAt - at] = (buf[flipAt - at] as number) ^ 0xff;
      }
      at += buf.length;
      served += buf.length;
      if (!res.write(buf)) {
        stream.pause();
        res.once('drain', () => stream.resume());
      }
    });
    stream.on('end', () => res.end());
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
  };

  const hub = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    const auth = req.headers.authorization;
    const record = (status: number) =>
      requests.push({
        method: req.method ?? '',
        url: url.pathname + url.search,
        authorization: auth !== undefined,
        status,
      });
    const fail = (status: number, code: string, message: string) => {
      record(status);
      res
        .writeHead(status, {
          ...apiHeaders,
          'content-type': 'application/json; charset=utf-8',
          'x-error-code': code,
          'x-error-message': message,
        })
        .end(JSON.stringify({ error: message }));
    };
    const json = (body: unknown, extra: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      record(200);
      res.writeHead(200, {
        ...apiHeaders,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(text)),
        etag: `W/"${createHash('sha1').update(text).digest('hex').slice(0, 27)}"`,
        'x-repo-commit': commit,
        ...extra,
      });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    const repo = options.repo;
    const old = options.renamedFrom;
    if (old && (url.pathname.startsWith(`/api/models/${old}/`) || url.pathname === `/api/models/${old}`)) {
      const to = url.pathname.replace(`/api/models/${old}`, `/api/models/${repo}`) + url.search;
      record(307);
      res
        .writeHead(307, { location: to, 'content-type': 'text/plain; charset=utf-8' })
        .end(`Temporary Redirect. Redirecting to ${to}`);
      return;
    }
    if (options.requireToken !== undefined) {
      if (!auth)
        return fail(
          401,
          'GatedRepo',
          `Access to model ${repo} is restricted. You must be authenticated to access it.`,
        );
      if (auth !== `Bearer ${options.requireToken}`) {
        return fail(
          403,
          'GatedRepo',
          `Access to model ${repo} is restricted and you are not in the authorized list.`,
        );
      }
    }
    const api = `/api/models/${repo}`;
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^${escape(api)}(?:/revision/([^/]+))?$`).exec(url.pathname))) {
      const rev = decodeURIComponent(m[1] ?? 'main');
      if (!refs.has(rev)) return fail(404, 'RevisionNotFound', `Invalid rev id: ${rev}`);
      const blobs = url.searchParams.get('blobs') === 'true';
      return json({
        ...template,
        _id: createHash('sha1').update(repo).digest('hex').slice(0, 24),
        id: repo,
        modelId: repo,
        author: repo.split('/')[0],
        sha: commit,
        lastModified,
        private: options.requireToken !== undefined,
        gated: options.requireToken !== undefined ? 'manual' : false,
        siblings: files.map((f) =>
          blobs
            ? {
                rfilename: f.path,
                blobId: f.gitOid,
                size: f.size,
                ...(f.lfs ? { lfs: { sha256: f.sha256, size: f.size, pointerSize: 134 } } : {}),
              }
            : { rfilename: f.path },
        ),
        usedStorage: files.reduce((n, f) => n + f.size, 0),
      });
    }
    if ((m = new RegExp(`^${escape(api)}/tree/([^/]+)$`).exec(url.pathname))) {
      const rev = decodeURIComponent(m[1] as string);
      if (!refs.has(rev)) return fail(404, 'RevisionNotFound', `Invalid rev id: ${rev}`);
      const all = treeEntries(files).filter(
        (e) => url.searchParams.get('recursive') === 'true' || !String(e.path).includes('/'),
      );
      const cursor = Number(url.searchParams.get('cursor') ?? 0);
      const page = all.slice(cursor, cursor + pageSize);
      const extra: Record<string, string> = {};
      if (cursor + pageSize < all.length) {
        const next = new URL(url.pathname + url.search, `http://${req.headers.host}`);
        next.searchParams.set('cursor', String(cursor + pageSize));
        extra.link = `<${next.toString()}>; rel="next"`;
      }
      return json(page, extra);
    }
    if ((m = new RegExp(`^/${escape(repo)}/resolve/([^/]+)/(.+)$`).exec(url.pathname))) {
      const rev = decodeURIComponent(m[1] as string);
      if (!refs.has(rev)) return fail(404, 'RevisionNotFound', `Invalid rev id: ${rev}`);
      const file = byPath.get((m[2] as string).split('/').map(decodeURIComponent).join('/'));
      if (!file) return fail(404, 'EntryNotFound', `Entry not found`);
      const common = { 'x-repo-commit': commit, 'x-linked-size': String(file.size) };
      if (!file.lfs) return sendFile(req, res, file, corrupt.has(file.path), common, record);
      const sha = file.sha256;
      const location = `${cdnUrl}/repos/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}?response-content-disposition=attachment&X-Amz-Expires=3600&X-Amz-Signature=${sha.slice(0, 16)}`;
      record(302);
      res
        .writeHead(302, {
          ...common,
          location,
          'x-linked-etag': `"${sha}"`,
          etag: `"${file.gitOid}"`,
          'content-type': 'text/plain; charset=utf-8',
        })
        .end(`Found. Redirecting to ${location}`);
      return;
    }
    fail(404, 'RepoNotFound', 'Repository not found');
  });

  const listen = (server: http.Server) =>
    new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
  const cdnUrl = `http://127.0.0.1:${await listen(cdn)}`;
  const url = `http://127.0.0.1:${await listen(hub)}`;
  const timer = setTimeout(() => void stop(), 15 * 60_000);
  timer.unref();
  const close = (server: http.Server) =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const stop = async () => {
    clearTimeout(timer);
    await Promise.all([close(hub), close(cdn)]);
  };
  return {
    url,
    cdnUrl,
    repo: options.repo,
    commit,
    lastModified,
    files,
    requests,
    cdnRequests,
    servedBytes: () => served,
    stop,
  };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
