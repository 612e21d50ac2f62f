import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from '@sovereign-ci/action-kit';
import { readTrivyReport, runTrivyScan, TrivyRunError, trivyImageArgs } from '@sovereign-ci/trivy';
import { tempDir, type TempDir } from '../../harness/temp';
import { writeFakeTrivy } from './fake-trivy';
import { goldenPath } from './golden';

const digest = `sha256:${'ab'.repeat(32)}`;
const image = `harbor.lab/team/app@${digest}`;

describe('runTrivyScan', () => {
  let dir: TempDir;
  let bin: string;
  beforeAll(async () => {
    dir = await tempDir('trivy-runner');
    bin = path.join(dir.path, 'bin');
    mkdirSync(bin);
    writeFakeTrivy(bin);
  });
  afterAll(() => dir.cleanup());

  const env = (extra: Record<string, string> = {}) => ({
    PATH: `${bin}:${process.env.PATH}`,
    FAKE_TRIVY_ARGV: path.join(dir.path, 'argv.txt'),
    FAKE_TRIVY_REPORT: goldenPath('alpine-39.json'),
    ...extra,
  });

  describe('when trivy is on PATH', () => {
    it('runs it by digest with exactly these arguments and the report is the one it wrote', async () => {
      const outputFile = path.join(dir.path, 'out.json');
      const logger = recordingLogger();
      await runTrivyScan({
        trivyPath: 'trivy',
        image,
        outputFile,
        dbRepository: 'harbor.lab/ghcr-proxy/aquasecurity/trivy-db:2',
        javaDbRepository: 'harbor.lab/ghcr-proxy/aquasecurity/trivy-java-db:1',
        skipDbUpdate: true,
        cacheDir: '/runner/_temp/trivy-cache',
        env: env(),
        logger,
      });
      expect(readFileSync(path.join(dir.path, 'argv.txt'), 'utf8').trimEnd().split('\n')).toEqual([
        'image',
        '--format',
        'json',
        '--output',
        outputFile,
        '--skip-version-check',
        '--disable-telemetry',
        '--scanners',
        'vuln',
        '--severity',
        'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL',
        '--exit-code',
        '0',
        '--config',
        `${outputFile}.trivy.yaml`,
        '--ignorefile',
        `${outputFile}.trivyignore`,
        '--cache-dir',
        '/runner/_temp/trivy-cache',
        '--db-repository',
        'harbor.lab/ghcr-proxy/aquasecurity/trivy-db:2',
        '--java-db-repository',
        'harbor.lab/ghcr-proxy/aquasecurity/trivy-java-db:1',
        '--skip-db-update',
        image,
      ]);
      expect(readFileSync(outputFile)).toEqual(readFileSync(goldenPath('alpine-39.json')));
      // The files standing in for the workspace's trivy.yaml and .trivyignore filter nothing.
      expect(readFileSync(`${outputFile}.trivyignore`, 'utf8')).toBe('');
      expect(readFileSync(`${outputFile}.trivy.yaml`, 'utf8')).toMatch(/^#[^\n]*\n\{\}\n$/);
      expect((await readTrivyReport(outputFile)).findings.length).toBe(6);
      expect(logger.lines).toContain(`info: 2026-12-04T00:00:00Z INFO [vuln] fake scan of ${outputFile}`);
    });

    it('passes only the mandatory flags when nothing else is asked', () => {
      expect(trivyImageArgs({ image, outputFile: '/o.json' })).toEqual([
        'image',
        '--format',
        'json',
        '--output',
        '/o.json',
        '--skip-version-check',
        '--disable-telemetry',
        '--scanners',
        'vuln',
        '--severity',
        'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL',
        '--exit-code',
        '0',
        image,
      ]);
      expect(trivyImageArgs({ image, outputFile: '/o.json', insecure: true }).slice(-2)).toEqual([
        '--insecure',
        image,
      ]);
    });
  });

  describe('when the job sets Trivy filter variables', () => {
    it('does not pass them on: the gate alone filters', async () => {
      const envDump = path.join(dir.path, 'env.txt');
      const outputFile = path.join(dir.path, 'env-out.json');
      await runTrivyScan({
        trivyPath: 'trivy',
        image,
        outputFile,
        env: env({
          TRIVY_SEVERITY: 'CRITICAL',
          TRIVY_IGNORE_UNFIXED: 'true',
          TRIVY_USERNAME: 'robot',
          FAKE_TRIVY_ENV: envDump,
        }),
        logger: recordingLogger(),
      });
      const seen = readFileSync(envDump, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('TRIVY_'));
      expect(seen).toEqual(['TRIVY_USERNAME=robot']);
    });

    it.each([
      ['TRIVY_VEX', '/work/vex.json'],
      ['TRIVY_SKIP_DIRS', 'usr/lib'],
      ['TRIVY_SKIP_FILES', 'app/package-lock.json'],
      ['TRIVY_VULN_TYPE', 'os'],
      ['TRIVY_SECURITY_CHECKS', 'secret'],
      ['TRIVY_PKG_RELATIONSHIPS', 'direct'],
    ])('does not pass on %s either (it hides findings)', async (name, value) => {
      const envDump = path.join(dir.path, `env-${name}.txt`);
      await runTrivyScan({
        trivyPath: 'trivy',
        image,
        outputFile: path.join(dir.path, `env-${name}.json`),
        env: env({ [name]: value, TRIVY_TIMEOUT: '10m', FAKE_TRIVY_ENV: envDump }),
        logger: recordingLogger(),
      });
      const seen = readFileSync(envDump, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('TRIVY_'));
      expect(seen).toEqual(['TRIVY_TIMEOUT=10m']);
    });
  });

  describe('when something is wrong', () => {
    it('a non-zero exit is a TrivyRunError carrying the last lines', async () => {
      const attempt = runTrivyScan({
        trivyPath: 'trivy',
        image,
        outputFile: path.join(dir.path, 'x.json'),
        env: env({ FAKE_TRIVY_EXIT: '3' }),
        logger: recordingLogger(),
      });
      await expect(attempt).rejects.toThrow(TrivyRunError);
      await expect(
        runTrivyScan({
          trivyPath: 'trivy',
          image,
          outputFile: path.join(dir.path, 'x.json'),
          env: env({ FAKE_TRIVY_EXIT: '3' }),
          logger: recordingLogger(),
        }),
      ).rejects.toThrow(/trivy exited with code 3: .*FATAL fake failure/);
    });

    it('a missing executable is a TrivyRunError', async () => {
      await expect(
        runTrivyScan({
          trivyPath: path.join(dir.path, 'nope', 'trivy'),
          image,
          outputFile: path.join(dir.path, 'missing.json'),
          env: env(),
          logger: recordingLogger(),
        }),
      ).rejects.toThrow(
        /cannot run .*nope\/trivy: spawn .* ENOENT \(not found: put trivy on PATH or set trivy-url\)/,
      );
    });

    it.each(['harbor.lab/team/app:1.0', 'harbor.lab/team/app'])(
      'refuses to scan %s (not by digest)',
      (ref) => {
        expect(() => trivyImageArgs({ image: ref, outputFile: 'x' })).toThrow(
          `scan by digest only, got ${ref}`,
        );
      },
    );
  });
});
