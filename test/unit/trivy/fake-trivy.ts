import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A fake `trivy` on PATH: it records its argv (one per line) in $FAKE_TRIVY_ARGV, copies $FAKE_TRIVY_REPORT to
 * the file after `--output`, dumps its environment to $FAKE_TRIVY_ENV when set, logs a line, and exits with $FAKE_TRIVY_EXIT (default 0).
 */
export function writeFakeTrivy(binDir: string): string {
  const file = path.join(binDir, 'trivy');
  writeFileSync(
    file,
    [
      '#!/bin/sh',
      'printf "%s\\n" "$@" > "$FAKE_TRIVY_ARGV"',
      'if [ -n "$FAKE_TRIVY_ENV" ]; then env | sort > "$FAKE_TRIVY_ENV"; fi',
      'out=""; prev=""',
      'for a in "$@"; do if [ "$prev" = "--output" ]; then out="$a"; fi; prev="$a"; done',
      'echo "2026-12-04T00:00:00Z INFO [vuln] fake scan of $out" >&2',
      'if [ "${FAKE_TRIVY_EXIT:-0}" != 0 ]; then echo "FATAL fake failure" >&2; exit "$FAKE_TRIVY_EXIT"; fi',
      'cp "$FAKE_TRIVY_REPORT" "$out"',
      '',
    ].join('\n'),
  );
  chmodSync(file, 0o755);
  return file;
}
