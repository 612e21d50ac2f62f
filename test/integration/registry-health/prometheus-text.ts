/** One gauge as read back from Prometheus' text exposition format. */
export interface ParsedGauge {
  help: string;
  type: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\} (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * A small, independent reader of the text format (what node-exporter's textfile collector reads): every
 * sample must follow its own `# HELP` and `# TYPE` lines; anything else is an error.
 */
export function parsePrometheusText(text: string): Record<string, ParsedGauge> {
  if (!text.endsWith('\n')) throw new Error('the text must end with a newline');
  const out: Record<string, ParsedGauge> = {};
  const meta = new Map<string, { help?: string; type?: string }>();
  for (const line of text.slice(0, -1).split('\n')) {
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (comment) {
      const [, kind, name = '', rest = ''] = comment;
      const m = meta.get(name) ?? {};
      if (kind === 'HELP') m.help = rest;
      else m.type = rest;
      meta.set(name, m);
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const [, name = '', labelText = '', value = ''] = sample;
    const m = meta.get(name);
    if (!m?.help || !m.type) throw new Error(`${name}: sample before its # HELP and # TYPE lines`);
    if (name in out) throw new Error(`${name}: more than one sample`);
    const labels = Object.fromEntries(
      [...labelText.matchAll(LABEL)].map(([, k = '', v = '']) => [k, v.replace(/\\(.)/g, '$1')]),
    );
    const number = Number(value);
    if (!Number.isFinite(number)) throw new Error(`${name}: value ${value} is not a number`);
    out[name] = { help: m.help, type: m.type, labels, value: number };
  }
  return out;
}
