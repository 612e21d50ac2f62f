import { describe, expect, it } from 'vitest';
import {
  createProgress,
  formatBytes,
  formatDuration,
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
