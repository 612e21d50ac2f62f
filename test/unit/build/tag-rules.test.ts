import { describe, expect, it } from 'vitest';
import {
  isValidTagName,
  parseTagRule,
  parseTagRules,
  renderTemplate,
  sanitizeTag,
  splitCsv,
} from '@sovereign-ci/build';

describe('parseTagRule', () => {
  describe('when the rule is valid', () => {
    it.each([
      [
        'type=sha',
        { type: 'sha', attrs: { prefix: 'sha-', format: 'short', enable: 'true', priority: '100' } },
      ],
      [
        'type=ref,event=pr',
        { type: 'ref', attrs: { event: 'pr', prefix: 'pr-', enable: 'true', priority: '600' } },
      ],
      [
        'type=schedule',
        { type: 'schedule', attrs: { pattern: 'nightly', enable: 'true', priority: '1000' } },
      ],
      [
        'type=semver,pattern={{major}}.{{minor}}',
        {
          type: 'semver',
          attrs: { pattern: '{{major}}.{{minor}}', value: '', match: '', enable: 'true', priority: '900' },
        },
      ],
      ['v1.0', { type: 'raw', attrs: { value: 'v1.0', enable: 'true', priority: '200' } }],
      [
        'type=raw,"value=a,b",priority=5',
        { type: 'raw', attrs: { value: 'a,b', enable: 'true', priority: '5' } },
      ],
      [
        ' TYPE = raw , value = x y ',
        { type: 'raw', attrs: { value: 'x y', enable: 'true', priority: '200' } },
      ],
    ])('%s', (source, expected) => {
      expect(parseTagRule(source)).toEqual({ ...expected, source });
    });
  });

  describe('when the rule is invalid', () => {
    it.each([
      [
        'type=nightly',
        "invalid tag rule 'type=nightly': unknown type 'nightly' (one of schedule, semver, match, edge, ref, raw, sha)",
      ],
      [
        'type=semver',
        "invalid tag rule 'type=semver': type=semver needs a pattern, e.g. pattern={{version}}",
      ],
      ['type=ref', "invalid tag rule 'type=ref': type=ref needs event=branch, event=tag or event=pr"],
      [
        'type=ref,event=release',
        "invalid tag rule 'type=ref,event=release': event must be branch, tag or pr, got 'release'",
      ],
      [
        'type=sha,format=medium',
        "invalid tag rule 'type=sha,format=medium': format must be short or long, got 'medium'",
      ],
      ['type=raw', "invalid tag rule 'type=raw': type=raw needs a value"],
      [
        'type=raw,value=x,enabled=true',
        "invalid tag rule 'type=raw,value=x,enabled=true': unknown attribute 'enabled' for type=raw (enable, priority, prefix, suffix, value)",
      ],
      [
        'type=sha,priority=high',
        "invalid tag rule 'type=sha,priority=high': priority must be a whole number, got 'high'",
      ],
      ['type=raw,"value=x', "invalid tag rule 'type=raw,\"value=x': unterminated quote"],
    ])('%s', (source, message) => {
      expect(() => parseTagRule(source)).toThrow(message);
    });
  });
});

describe('parseTagRules', () => {
  it('sorts by priority, keeping input order among equals', () => {
    const rules = parseTagRules([
      'type=sha',
      'type=raw,value=a',
      'type=ref,event=branch',
      'type=raw,value=b',
      'type=schedule',
    ]);
    expect(rules.map((rule) => rule.source)).toEqual([
      'type=schedule',
      'type=ref,event=branch',
      'type=raw,value=a',
      'type=raw,value=b',
      'type=sha',
    ]);
  });
});

describe('splitCsv', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
  ])('%s', (line, fields) => expect(splitCsv(line)).toEqual(fields));
});

describe('sanitizeTag', () => {
  it.each([
    ['feature/ledger-v2', 'feature-ledger-v2'],
    ['fix: über & more', 'fix-ber-more'],
    ['-leading.dash', 'leading.dash'],
    ['..dots', 'dots'],
    ['x'.repeat(140), 'x'.repeat(128)],
    ['///', ''],
  ])('%s -> %s', (value, tag) => {
    expect(sanitizeTag(value)).toBe(tag);
    if (tag !== '') expect(isValidTagName(tag)).toBe(true);
  });
});

describe('renderTemplate', () => {
  describe('when the expression is known', () => {
    it('renders values and helpers with arguments and hash', () => {
      const scope = {
        branch: 'main',
        date: (args: string[], hash: Record<string, string>) => `${args.join('|')}/${hash.tz}`,
      };
      expect(renderTemplate("b={{branch}} d={{date 'YYYY' tz='Europe/Berlin'}}", scope)).toBe(
        'b=main d=YYYY/Europe/Berlin',
      );
    });
  });
  describe('when it is not', () => {
    it('throws naming the known ones', () => {
      expect(() => renderTemplate('{{brnach}}', { branch: 'x', sha: 'y' })).toThrow(
        "unknown expression '{{brnach}}' (known: branch, sha)",
      );
    });
    it('throws on an unclosed expression', () => {
      expect(() => renderTemplate('{{branch', { branch: 'x' })).toThrow("unclosed '{{' in '{{branch'");
    });
  });
});
