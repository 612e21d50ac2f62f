import { actionsCoreCommands } from './commands';

let masker: (value: string) => void = (value) => actionsCoreCommands.setSecret(value);

/** Replaces how secrets are masked (tests record instead of printing ::add-mask::); returns the previous one. */
export function setSecretMasker(fn: (value: string) => void): (value: string) => void {
  const previous = masker;
  masker = fn;
  return previous;
}

/**
 * Masks a secret, and each of its lines on its own: runners mask multi-line values line by line
 * poorly, and a PEM key would otherwise leak its body lines. `parts` are further pieces that may be
 * printed alone (the items of a secret list). Each value is masked once; lines and parts shorter
 * than 4 characters are not (masking `-` or `==` everywhere would hide the log, not the secret).
 */
export function maskSecret(value: string, parts: readonly string[] = []): void {
  if (value === '') return;
  const masked = new Set<string>([value]);
  masker(value);
  for (const piece of [...value.split(/\r?\n/).map((line) => line.trim()), ...parts]) {
    if (piece.length < 4 || masked.has(piece)) continue;
    masked.add(piece);
    masker(piece);
  }
}
