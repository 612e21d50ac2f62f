import { describe, expect, it } from 'vitest';
import { applyReplacements, scanYaml, type YamlFileKind } from '@sovereign-ci/pin';

const compose = `# top comment\r
services:\r
  web:\r
    image: "nginx:1.27" # pinned by repin\r
  db:\r
    image: 'postgres:16'\r
  cache: { image: redis:7 }\r
  built:\r
    build: .\r
  folded:\r
    image: >-\r
      busybox:1.36\r
  env:\r
    image: \${REGISTRY}/app:1\r
`;

const workflow = `on: push
jobs:
  build:
    runs-on: docker
    container: node:20-bookworm
    services:
      db:
        image: postgres:16 # service
    steps:
      - uses: actions/checkout@v4
      - uses: docker://alpine:3.19
  test:
    container:
      image: 'harbor.lab:8443/ci/runner:2'
      options: --privileged
  expr:
    container: \${{ matrix.image }}
`;

const manifest = `apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: app
          image: ghcr.io/team/app:1.2.3
      initContainers:
        - image: busybox:1.36
---
image:
  repository: nginx
  tag: "1.27"
`;

const cases: [string, YamlFileKind, string, string[], string[]][] = [
  [
    'compose (CRLF, quotes, flow maps, variables)',
    'compose',
    compose,
    ['compose 4 nginx:1.27', 'compose 6 postgres:16', 'compose 7 redis:7'],
    ['unsupported busybox:1.36', 'variable ${REGISTRY}/app:1'],
  ],
  [
    'workflow (container string and map, services, docker:// uses)',
    'workflow',
    workflow,
    [
      'workflow-container 5 node:20-bookworm',
      'workflow-service 8 postgres:16',
      'workflow-uses 11 alpine:3.19',
      'workflow-container 14 harbor.lab:8443/ci/runner:2',
    ],
    ['variable ${{ matrix.image }}'],
  ],
  [
    'kubernetes manifest and helm values',
    'manifest',
    manifest,
    ['image-field 8 ghcr.io/team/app:1.2.3', 'image-field 10 busybox:1.36'],
    ['unsupported nginx:1.27'],
  ],
];

describe('scanYaml', () => {
  describe('when given each file kind', () => {
    it.each(cases)('%s', (_name, kind, text, occurrences, skipped) => {
      const scan = scanYaml('f.yml', text, kind);
      expect({
        occurrences: scan.occurrences.map((o) => `${o.kind} ${o.line} ${o.text}`),
        skipped: scan.skipped.map((s) => `${s.reason} ${s.image}`),
      }).toEqual({ occurrences, skipped });
    });
  });

  describe('when Helm values split the image into repository and tag', () => {
    it('reports the map as skipped, with its line and why', () => {
      expect(scanYaml('values.yaml', manifest, 'manifest').skipped).toEqual([
        {
          file: 'values.yaml',
          line: 12,
          kind: 'image-field',
          image: 'nginx:1.27',
          reason: 'unsupported',
          detail:
            'a Helm-style image map (repository, tag) is not rewritten: pin it in the chart values by hand',
        },
      ]);
    });
  });

  describe('when the spans are rewritten', () => {
    it('changes only the reference characters, keeping quotes, comments and CRLF', () => {
      const scan = scanYaml('compose.yml', compose, 'compose');
      const out = applyReplacements(
        compose,
        scan.occurrences.map((o) => ({
          start: o.start,
          end: o.end,
          text: `${o.text}@sha256:${'0'.repeat(64)}`,
        })),
      );
      const z = '0'.repeat(64);
      expect(out).toBe(
        compose
          .replace('"nginx:1.27"', `"nginx:1.27@sha256:${z}"`)
          .replace("'postgres:16'", `'postgres:16@sha256:${z}'`)
          .replace('image: redis:7', `image: redis:7@sha256:${z}`),
      );
    });
  });
});
