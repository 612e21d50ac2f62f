import { describe, expect, it } from 'vitest';
import { scanDockerfile } from '@sovereign-ci/pin';

const D = 'sha256:' + 'a'.repeat(64);

/** [case, Dockerfile text, expected occurrences as `kind line text`, expected skips as `reason text`] */
const cases: [string, string, string[], string[]][] = [
  ['plain FROM', 'FROM alpine:3.19\nRUN true\n', ['from 1 alpine:3.19'], []],
  [
    'FROM with --platform and AS',
    'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n',
    ['from 1 golang:1.22'],
    [],
  ],
  [
    'registry with a port',
    'FROM registry.lab:5000/team/base:1.0@' + D + '\n',
    [`from 1 registry.lab:5000/team/base:1.0@${D}`],
    [],
  ],
  ['lower-case keyword', 'from alpine\n', ['from 1 alpine'], []],
  ['scratch', 'FROM scratch\n', [], ['scratch scratch']],
  [
    'stage alias',
    'FROM alpine:3 AS base\nFROM base\nCOPY --from=base /a /b\nCOPY --from=0 /a /b\n',
    ['from 1 alpine:3'],
    ['stage-alias base', 'stage-alias base', 'stage-alias 0'],
  ],
  [
    'COPY --from an image',
    'FROM alpine\nCOPY --chown=1 --from=docker.io/library/busybox:1.36 /bin/sh /sh\n',
    ['from 1 alpine', 'copy-from 2 docker.io/library/busybox:1.36'],
    [],
  ],
  [
    'RUN --mount from an image',
    'FROM alpine\nRUN --mount=type=bind,from=tools:1,source=/x,target=/y make\n',
    ['from 1 alpine', 'mount-from 2 tools:1'],
    [],
  ],
  [
    'syntax directive',
    '# syntax=docker/dockerfile:1.7\nFROM alpine\n',
    ['syntax 1 docker/dockerfile:1.7', 'from 2 alpine'],
    [],
  ],
  [
    'ARG default used in FROM',
    'ARG BASE=alpine:3.19\nARG TAG\nFROM ${BASE}\nFROM $BASE AS two\n',
    ['arg 1 alpine:3.19'],
    [],
  ],
  ['quoted ARG default', 'ARG BASE="alpine:3.19"\nFROM $BASE\n', ['arg 1 alpine:3.19'], []],
  ['ARG without default', 'ARG BASE\nFROM $BASE\n', [], ['variable $BASE']],
  ['partial variable', 'ARG V=3\nFROM alpine:${V}\n', [], ['variable alpine:${V}']],
  ['CRLF', 'FROM alpine:3\r\nRUN x\r\nFROM debian:12\r\n', ['from 1 alpine:3', 'from 3 debian:12'], []],
  ['BOM', '\uFEFFFROM alpine:3\n', ['from 1 alpine:3'], []],
  [
    'escape directive',
    '# escape=`\nFROM alpine `\n  AS x\nRUN echo \\\nFROM debian:12\n',
    ['from 2 alpine', 'from 5 debian:12'],
    [],
  ],
  ['a backslash continuation joins the next line', 'FROM a\nRUN echo \\\nFROM b\n', ['from 1 a'], []],
  [
    'line continuation before the image',
    'FROM \\\n  # a comment\n\n  alpine:3 \\\n  AS base\n',
    ['from 4 alpine:3'],
    [],
  ],
  [
    'heredoc bodies are not instructions',
    'FROM alpine\nRUN <<EOF\nFROM not-an-image\nEOF\nCOPY <<-A <<B /x\n\tFROM no\n\tA\nFROM no2\nB\nFROM debian:12\n',
    ['from 1 alpine', 'from 10 debian:12'],
    [],
  ],
  ['comments and directives after an instruction', 'FROM alpine\n# syntax=foo\n', ['from 1 alpine'], []],
];

describe('scanDockerfile', () => {
  describe('when given each syntax', () => {
    it.each(cases)('%s', (_name, text, occurrences, skipped) => {
      const scan = scanDockerfile('Dockerfile', text);
      expect({
        occurrences: scan.occurrences.map((o) => `${o.kind} ${o.line} ${o.text}`),
        skipped: scan.skipped.map((s) => `${s.reason} ${s.image}`),
      }).toEqual({ occurrences, skipped });
      for (const o of scan.occurrences) {
        expect(text.slice(o.start, o.end)).toBe(o.text);
        expect(Buffer.from(text).subarray(o.byteStart, o.byteEnd).toString()).toBe(o.text);
      }
    });
  });

  describe('when the file starts with a BOM', () => {
    it('reports byte offsets that count the BOM', () => {
      const [o] = scanDockerfile('Dockerfile', '\uFEFFFROM alpine\n').occurrences;
      expect({ start: o?.start, byteStart: o?.byteStart, byteEnd: o?.byteEnd }).toEqual({
        start: 6,
        byteStart: 8,
        byteEnd: 14,
      });
    });
  });
});
