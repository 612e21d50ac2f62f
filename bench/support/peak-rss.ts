import { readFileSync } from 'node:fs';

/**
 * Peak RSS of this process image in MB: VmHWM (reset by exec, unlike getrusage's maxrss, which a spawned
 * child inherits from its parent), else maxRSS.
 */
export function peakRssMb(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}
