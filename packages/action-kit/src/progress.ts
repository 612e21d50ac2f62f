import { formatBytes, formatDuration } from './format';
import type { Logger } from './logger';

export interface Progress {
  /** Adds transferred bytes (and optionally finished items). */
  add(bytes: number, items?: number): void;
  /** Prints the final line and stops the timer. */
  done(): void;
}

export interface ProgressOptions {
  label: string;
  logger: Logger;
  totalBytes?: number;
  totalItems?: number;
  intervalMs?: number;
  now?: () => number;
}

/**
 * One line every few seconds (CI logs are not terminals): items, bytes, rate, ETA. A timer prints even
 * while a transfer stalls, so a hung job shows that it is hung.
 */
export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const started = now();
  let bytes = 0;
  let items = 0;
  let finished = false;

  const line = () => {
    const elapsed = Math.max(now() - started, 1);
    const rate = (bytes / elapsed) * 1000;
    const parts = [options.label + ':'];
    if (options.totalItems !== undefined) parts.push(`${items}/${options.totalItems}`);
    parts.push(
      options.totalBytes !== undefined
        ? `${formatBytes(bytes)} of ${formatBytes(options.totalBytes)}`
        : formatBytes(bytes),
    );
    parts.push(`${formatBytes(rate)}/s`);
    if (!finished && options.totalBytes !== undefined && rate > 0) {
      parts.push(`ETA ${formatDuration(((options.totalBytes - bytes) / rate) * 1000)}`);
    }
    if (finished) parts.push(`in ${formatDuration(elapsed)}`);
    options.logger.info(parts.join(' '));
  };

  const timer = setInterval(line, options.intervalMs ?? 5000);
  timer.unref();
  return {
    add(moreBytes, moreItems = 0) {
      bytes += moreBytes;
      items += moreItems;
    },
    done() {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      line();
    },
  };
}
