import { actionsCoreCommands } from './commands';

let masker: (value: string) => void = (value) => actionsCoreCommands.setSecret(value);

/** Replaces how secrets are masked (tests record instead of printing ::add-mask::). */
export function setSecretMasker(fn: (value: string) => void): void {
  masker = fn;
}

/**
 * Masks a secret, and each of its lines on its own: runners mask multi-line values line by line
 * poorly, and a PEM key would otherwise leak its body lines.
 */
export function maskSecret(value: string): void {
  if (value === '') return;
  masker(value);
  const lines = value.split(/\r?\n/).map((line) => line.trim());
  for (const line of lines) if (line.length >= 4 && line !== value) masker(line);
}
