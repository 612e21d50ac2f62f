import { open } from 'node:fs/promises';
import type { ScanReport } from './model';
import { ReportParseError, TrivyReportParser } from './report-parser';

const CHUNK = 1024 * 1024;

/** Reads a Trivy JSON report from a file, streaming through one reused 1 MiB buffer. */
export async function readTrivyReport(file: string): Promise<ScanReport> {
  const parser = new TrivyReportParser();
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'r');
    // The parser copies whatever it keeps, so one buffer serves every chunk.
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      parser.push(buffer.subarray(0, bytesRead));
    }
    return parser.end();
  } catch (error) {
    if (error instanceof ReportParseError) throw new ReportParseError(`${file}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`cannot read the Trivy report ${file}${code ? ` (${code})` : ''}`, { cause: error });
  } finally {
    await handle?.close();
  }
}

/** Parses a Trivy JSON report held in memory. */
export function parseTrivyReport(data: string | Buffer): ScanReport {
  const parser = new TrivyReportParser();
  parser.push(typeof data === 'string' ? Buffer.from(data) : data);
  return parser.end();
}
