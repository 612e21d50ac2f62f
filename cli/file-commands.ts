/**
 * Parses a GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV file the way the runners do: `name=value`
 * lines and `name<<DELIMITER` … `DELIMITER` heredocs (whichever of `=` and `<<` comes first
 * wins). Later values replace earlier ones.
 */
export function parseFileCommand(content: string, file = 'file command'): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals);
      if (name === '') throw new Error(`${file}: line ${i + 1} has no name: ${JSON.stringify(line)}`);
      result[name] = line.slice(equals + 1);
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (name === '' || delimiter === '') {
        throw new Error(`${file}: line ${i + 1} is not name<<DELIMITER: ${JSON.stringify(line)}`);
      }
      const start = i + 1;
      let end = start;
      while (end < lines.length && lines[end] !== delimiter) end++;
      if (end >= lines.length) throw new Error(`${file}: no closing delimiter ${delimiter} for ${name}`);
      result[name] = lines.slice(start, end).join('\n');
      i = end;
    } else {
      throw new Error(
        `${file}: line ${i + 1} is neither name=value nor name<<DELIMITER: ${JSON.stringify(line)}`,
      );
    }
  }
  return result;
}

/** Parses a GITHUB_PATH file: one directory a line. */
export function parsePathFile(content: string): string[] {
  return content.split(/\r?\n/).filter((line) => line.trim() !== '');
}
