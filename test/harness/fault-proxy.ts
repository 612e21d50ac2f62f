import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface FaultPlan {
  /** Reset the connection after forwarding N bytes of a request body (when the request has one) or else of a response body. */
  resetAfterBytes?: number;
  /** How many resets to perform (default: every matching request). */
  resetTimes?: number;
  /** Answer 429 with `Retry-After` to the next `times` matching requests. */
  status429?: { times: number; retryAfterSeconds: number };
  /** Answer 503 to the next `times` matching requests (after any 429s). */
  status503?: { times: number };
  /** Flip (xor 0xff) the byte at this offset of response bodies that are long enough. */
  corruptByteAt?: number;
  /** How many bodies to corrupt (default: every matching response). */
  corruptTimes?: number;
  /** Which requests the faults apply to (path includes the query); default all. */
  match?: (method: string, path: string) => boolean;
}

export type FaultKind = 'reset' | '429' | '503' | 'corrupt';

export interface ProxyRequestRecord {
  method: string;
  path: string;
  /** Status sent to the client (upstream's, or the injected one; 502 when upstream failed). */
  status: number;
  fault?: FaultKind;
}

export interface FaultProxy {
  url: string;
  host: string;
  requests: ProxyRequestRecord[];
  /** Replace the plan (counters start afresh). */
  setPlan(plan: FaultPlan): void;
  stop(): Promise<void>;
}

interface State {
  plan: FaultPlan;
  left429: number;
  left503: number;
  leftReset: number;
  leftCorrupt: number;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer']);

function stateOf(plan: FaultPlan): State {
  return {
    plan,
    left429: plan.status429?.times ?? 0,
    left503: plan.status503?.times ?? 0,
    leftReset: plan.resetAfterBytes === undefined ? 0 : (plan.resetTimes ?? Infinity),
    leftCorrupt: plan.corruptByteAt === undefined ? 0 : (plan.corruptTimes ?? Infinity),
  };
}

function resetSocket(socket: Socket | null): void {
  if (!socket) return;
  // Give the bytes already written a moment to leave before the RST discards the send buffer.
  setTimeout(() => {
    if (!socket.destroyed) socket.resetAndDestroy();
  }, 30);
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ code, message }] });
}

/** A loopback HTTP proxy in front of `targetUrl` that injects the faults of `plan`. */
export async function startFaultProxy(
  targetUrl: string,
  plan: FaultPlan,
  options: { ca?: string } = {},
): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const lib = target.protocol === 'https:' ? https : http;
  const requests: ProxyRequestRecord[] = [];
  let state = stateOf(plan);
  let proxyOrigin = '';

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const record: ProxyRequestRecord = { method, path, status: 0 };
    requests.push(record);
    const matching = state.plan.match ? state.plan.match(method, path) : true;

    const inject = (status: number, fault: FaultKind, headers: Record<string, string>): void => {
      req.resume();
      const body =
        status === 429
          ? errorBody('TOOMANYREQUESTS', 'too many requests')
          : errorBody('UNAVAILABLE', 'service unavailable');
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...headers,
      });
      res.end(body);
      Object.assign(record, { status, fault });
    };
    if (matching && state.left429 > 0) {
      state.left429--;
      inject(429, '429', { 'retry-after': String(state.plan.status429?.retryAfterSeconds ?? 1) });
      return;
    }
    if (matching && state.left503 > 0) {
      state.left503--;
      inject(503, '503', {});
      return;
    }

    const headers: http.OutgoingHttpHeaders = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(key) && value !== undefined) headers[key] = value;
    }
    headers.host = target.host;
    const upstream = lib.request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method,
      path,
      headers,
      ca: options.ca,
      agent: false,
    });
    // A client that goes away (or that we reset) must not leave the upstream request dangling.
    req.on('error', () => upstream.destroy());
    res.on('error', () => upstream.destroy());
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.on('error', () => {
      if (record.fault === 'reset') return;
      if (!res.headersSent) {
        const body = errorBody('UPSTREAM', 'proxy could not reach the registry');
        res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        record.status = 502;
      } else {
        res.destroy();
      }
    });

    const hasBody =
      Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const resetLimit = state.plan.resetAfterBytes ?? 0;
    if (matching && hasBody && state.leftReset > 0) {
      state.leftReset--;
      let seen = 0;
      let done = false;
      req.on('data', (chunk: Buffer) => {
        if (done) return;
        if (seen + chunk.length <= resetLimit) {
          seen += chunk.length;
          upstream.write(chunk);
          return;
        }
        done = true;
        upstream.write(chunk.subarray(0, resetLimit - seen));
        Object.assign(record, { fault: 'reset' });
        upstream.destroy();
        resetSocket(req.socket);
      });
      req.on('end', () => {
        if (!done) upstream.end();
      });
    } else {
      req.pipe(upstream);
    }

    upstream.on('response', (up) => {
      if (record.fault === 'reset') {
        up.resume();
        return;
      }
      const out: http.OutgoingHttpHeaders = {};
      for (const [key, value] of Object.entries(up.headers)) {
        if (!HOP_BY_HOP.has(key) && value !== undefined) out[key] = value;
      }
      const location = up.headers.location;
      if (location) {
        const resolved = new URL(location, target);
        if (resolved.origin === target.origin && /^[a-z]+:\/\//i.test(location)) {
          out.location = proxyOrigin + location.slice(target.origin.length);
        }
      }
      res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
      record.status = up.statusCode ?? 502;

      const resetHere = matching && state.leftReset > 0 && record.fault === undefined;
      const corruptAt = state.plan.corruptByteAt ?? -1;
      const corruptHere = matching && state.leftCorrupt > 0;
      let offset = 0;
      let finished = false;
      up.on('data', (chunk: Buffer) => {
        if (finished) return;
        let data = chunk;
        if (
          corruptHere &&
          corruptAt >= offset &&
          corruptAt < offset + data.length &&
          record.fault !== 'corrupt'
        ) {
          data = Buffer.from(data);
          data[corruptAt - offset] = (data[corruptAt - offset] ?? 0) ^ 0xff;
          state.leftCorrupt--;
          record.fault = 'corrupt';
        }
        if (resetHere && offset + data.length > resetLimit) {
          finished = true;
          state.leftReset--;
          record.fault = 'reset';
          const head = data.subarray(0, resetLimit - offset);
          if (head.length > 0) res.write(head, () => resetSocket(res.socket));
          else resetSocket(res.socket);
          up.destroy();
          return;
        }
        offset += data.length;
        res.write(data);
      });
      up.on('end', () => {
        if (!finished) res.end();
      });
      up.on('error', () => res.destroy());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  proxyOrigin = `http://${host}`;
  return {
    url: proxyOrigin,
    host,
    requests,
    setPlan(next) {
      state = stateOf(next);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
