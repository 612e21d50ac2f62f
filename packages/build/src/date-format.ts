/**
 * Formats a date with the moment.js tokens metadata-action users write in `{{date 'YYYYMMDD'}}`:
 * YYYY YY M MM D DD H HH h hh m mm s ss SSS A a Z ZZ X x, and `[literal text]`. Time zones by
 * IANA name through Intl (default UTC).
 */
interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  offsetMinutes: number;
}

function partsIn(date: Date, timeZone: string): Parts {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new RangeError(`unknown time zone '${timeZone}'`);
  }
  const get = (type: string): number =>
    Number(format.formatToParts(date).find((p) => p.type === type)?.value);
  const parts = {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  const offsetMinutes = Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  return { ...parts, offsetMinutes };
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

function offset(minutes: number, colon: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(abs % 60)}`;
}

const TOKENS = /\[([^\]]*)\]|YYYY|YY|MM|M|DD|D|HH|H|hh|h|mm|m|ss|s|SSS|A|a|ZZ|Z|X|x/g;

export function formatDate(date: Date, pattern: string, timeZone = 'UTC'): string {
  const p = partsIn(date, timeZone);
  const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  const values: Record<string, string> = {
    YYYY: pad(p.year, 4),
    YY: pad(p.year % 100),
    MM: pad(p.month),
    M: String(p.month),
    DD: pad(p.day),
    D: String(p.day),
    HH: pad(p.hour),
    H: String(p.hour),
    hh: pad(hour12),
    h: String(hour12),
    mm: pad(p.minute),
    m: String(p.minute),
    ss: pad(p.second),
    s: String(p.second),
    SSS: pad(date.getUTCMilliseconds(), 3),
    A: p.hour < 12 ? 'AM' : 'PM',
    a: p.hour < 12 ? 'am' : 'pm',
    Z: offset(p.offsetMinutes, true),
    ZZ: offset(p.offsetMinutes, false),
    X: String(Math.floor(date.getTime() / 1000)),
    x: String(date.getTime()),
  };
  return pattern.replace(TOKENS, (token, literal: string | undefined) => literal ?? values[token] ?? token);
}
