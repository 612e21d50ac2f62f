/** Bytes of memory shared by concurrent tasks: `acquire(n)` waits (first come, first served) until n fit. */
export interface ByteBudget {
  readonly limit: number;
  /** Resolves with a release function once `bytes` (capped at the limit) are reserved. */
  acquire(bytes: number): Promise<() => void>;
}

export function byteBudget(limit: number): ByteBudget {
  let used = 0;
  const waiting: { bytes: number; grant: () => void }[] = [];
  const pump = () => {
    while (waiting.length > 0 && used + (waiting[0] as { bytes: number }).bytes <= limit) {
      const next = waiting.shift() as { bytes: number; grant: () => void };
      used += next.bytes;
      next.grant();
    }
  };
  return {
    limit,
    acquire(bytes) {
      const n = Math.min(Math.max(0, bytes), limit);
      return new Promise((resolve) => {
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          used -= n;
          pump();
        };
        waiting.push({ bytes: n, grant: () => resolve(release) });
        pump();
      });
    },
  };
}
