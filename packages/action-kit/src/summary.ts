import { appendFileSync } from 'node:fs';
import type { InputSource } from './inputs';
import type { Logger } from './logger';

export interface Summary {
  /** Appends Markdown to the step summary; on Forgejo (which only echoes the file) and without a summary file, also logs it. */
  write(markdown: string): void;
}

export function createSummary(env: InputSource, logger: Logger, isForgejo: boolean): Summary {
  const file = env.GITHUB_STEP_SUMMARY;
  return {
    write(markdown) {
      const text = markdown.endsWith('\n') ? markdown : `${markdown}\n`;
      if (file) appendFileSync(file, text);
      if (!file || isForgejo) logger.info(text.trimEnd());
    },
  };
}
