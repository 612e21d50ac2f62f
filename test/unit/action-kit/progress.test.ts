import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createProgress,
  formatBytes,
  formatDuration,
  mapLimit,
  markdownTable,
  recordingLogger,
  textTable,
} from '@sovereign-ci/action-kit';

describe('createProgress', () => {
  it('prints done/total, bytes, rate and ETA, then a final line', () => {
    let clock = 0;
    const logger = recordingLogger();
    const progress = createProgress({
      label: 'upload',
      logger,
      totalBytes: 4 * 1024 * 1024,
      totalItems: 4,
      intervalMs: 60_000,
      now: () => clock,
    });
    clock = 1000;
    progress.add(1024 * 1024, 1);
    clock = 2000;
    progress.add(3 * 1024 * 1024, 3);
    progress.done();
    progress.done();
    expect(logger.lines).toEqual(['info: upload: 4/4 4.00 MiB of 4.00 MiB 2.00 MiB/s in 2s']);
  });
});

describe('createProgress', () => {
  describe('when the transfer runs longer than the interval', () => {
    afterEach(() => {
      vi.useRealTimers();
    });
    it('prints a line every interval, stalled or not, and none after done', () => {
      vi.useFakeTimers();
      let clock = 0;
      const logger = recordingLogger();
      const progress = createProgress({
        label: 'pull',
        logger,
        totalBytes: 10 * 1024 * 1024,
        intervalMs: 5000,
        now: () => clock,
      });
      clock = 5000;
      progress.add(5 * 1024 * 1024);
      vi.advanceTimersByTime(5000);
      clock = 10_000;
      vi.advanceTimersByTime(5000);
      clock = 12_000;
      progress.add(5 * 1024 * 1024);
      progress.done();
      vi.advanceTimersByTime(20_000);
      expect(logger.lines).toEqual([
        'info: pull: 5.00 MiB of 10.0 MiB 1.00 MiB/s ETA 5s',
        'info: pull: 5.00 MiB of 10.0 MiB 512.0 KiB/s ETA 10s',
        'info: pull: 10.0 MiB of 10.0 MiB 853.3 KiB/s in 12s',
      ]);
    });
  });
});

describe('formatBytes / formatDuration', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.50 KiB'],
    [150 * 1024 ** 3, '150.0 GiB'],
  ])('formats %d bytes', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
  it.each([
    [250, '250ms'],
    [59_000, '59s'],
    [61_000, '1m01s'],
    [3_720_000, '1h02m'],
  ])('formats %d ms', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('tables', () => {
  it('renders markdown with escaped pipes', () => {
    expect(markdownTable(['a', 'b'], [['x|y', 'z']])).toBe('| a | b |\n| --- | --- |\n| x\\|y | z |');
  });
  it('renders aligned text', () => {
    expect(textTable(['id', 'sev'], [['CVE-1', 'HIGH']])).toBe('id     sev\n-----  ----\nCVE-1  HIGH');
  });
});

describe('mapLimit', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const result = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 10;
    });
    expect({ result, peak }).toEqual({ result: [50, 10, 40, 20, 30], peak: 2 });
  });
  it('rethrows the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    await expect(
      mapLimit([1, 2, 3, 4], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });
  it.each([0, 1.5, Number.NaN])('refuses a limit of %s', async (limit) => {
    await expect(mapLimit([1], limit, async () => 1)).rejects.toThrow(RangeError);
  });
});
