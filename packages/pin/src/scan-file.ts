import { scanDockerfile } from './dockerfile-refs';
import { fileKind } from './file-kind';
import type { FileScan } from './types';
import { scanYaml } from './yaml-refs';

/** Scans one file by its kind (from its path); a file of no known kind yields nothing. */
export function scanFile(file: string, text: string): FileScan {
  const kind = fileKind(file);
  if (kind === 'dockerfile') return scanDockerfile(file, text);
  if (kind === undefined) return { file, occurrences: [], skipped: [] };
  try {
    return scanYaml(file, text, kind);
  } catch (error) {
    return {
      file,
      occurrences: [],
      skipped: [
        {
          file,
          line: 0,
          kind: 'image-field',
          image: '',
          reason: 'invalid',
          detail: (error as Error).message,
        },
      ],
    };
  }
}
