import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSecretMasker } from '@sovereign-ci/action-kit';
import { run } from '../../../actions/trivy-gate/src/run';
import { tempDir, type TempDir } from '../../harness/temp';
import { caseFactory, deps, digest } from './action-harness';
import { startFakeServer, type FakeServer } from './http-fake';

describe('trivy-gate run', () => {
  let dir: TempDir;
  const setup = caseFactory(() => dir.path);
  beforeAll(async () => {
    dir = await tempDir('trivy-gate-harbor');
  });
  afterAll(() => dir.cleanup());

  describe('when reading Harbor', () => {
    let harbor: FakeServer;
    beforeAll(async () => {
      const auth = `Basic ${Buffer.from('robot$ci:pw').toString('base64')}`;
      harbor = await startFakeServer((req, res) => {
        if (req.headers.authorization !== auth) return void res.writeHead(401).end('{}');
        const base = `/api/v2.0/projects/team/repositories/app/artifacts/${digest}`;
        const mime = 'application/vnd.security.vulnerability.report; version=1.1';
        if (req.url === `${base}?with_scan_overview=true`)
          return void res.end(JSON.stringify({ scan_overview: { [mime]: { scan_status: 'Success' } } }));
        if (req.url === `${base}/additions/vulnerabilities`) {
          return void res.end(
            JSON.stringify({
              [mime]: {
                vulnerabilities: [
                  {
                    id: 'CVE-2026-0001',
                    package: 'openssl',
                    version: '3.0.0',
                    fix_version: '3.0.1',
                    severity: 'High',
                    links: [],
                  },
                ],
              },
            }),
          );
        }
        res.writeHead(404).end('{}');
      });
    });
    afterAll(() => harbor.close());

    it('a refused login names the docker config, never the password', async () => {
      const { root } = setup({});
      const configDir = path.join(root, 'docker');
      mkdirSync(configDir);
      const host = new URL(harbor.url).host;
      writeFileSync(
        path.join(configDir, 'config.json'),
        JSON.stringify({ auths: { [host]: { auth: Buffer.from('robot$ci:wrong-pw').toString('base64') } } }),
      );
      const { ctx } = setup(
        { source: 'harbor', image: `${host}/team/app@${digest}`, 'harbor-url': harbor.url },
        { DOCKER_CONFIG: configDir },
      );
      const error = (await run(ctx, deps).catch((e: unknown) => e)) as Error;
      expect(error.message).toBe(
        `GET /api/v2.0/projects/team/repositories/app/artifacts/${digest}: HTTP 401: the credentials for ${host} in the docker config`,
      );
    });

    it("gates Harbor's scan with the docker config's credentials and writes it as a Trivy report", async () => {
      const { root } = setup({});
      const configDir = path.join(root, 'docker');
      mkdirSync(configDir);
      const host = new URL(harbor.url).host;
      writeFileSync(
        path.join(configDir, 'config.json'),
        JSON.stringify({ auths: { [host]: { auth: Buffer.from('robot$ci:pw').toString('base64') } } }),
      );
      const { ctx, fake } = setup(
        { source: 'harbor', image: `${host}/team/app@${digest}`, 'harbor-url': harbor.url },
        { DOCKER_CONFIG: configDir },
      );
      const masked: string[] = [];
      setSecretMasker((value) => void masked.push(value));
      try {
        await expect(run(ctx, deps)).rejects.toThrow(/CVE-2026-0001\s+openssl\s+3\.0\.0\s+3\.0\.1\s+HIGH/);
      } finally {
        setSecretMasker(() => {});
      }
      // The docker config's Harbor password is masked as soon as it is read.
      expect(masked).toEqual(['pw']);
      const written = JSON.parse(readFileSync(fake.outputs.report!, 'utf8')) as {
        SchemaVersion: number;
        Results: { Vulnerabilities: { VulnerabilityID: string }[] }[];
      };
      expect([
        written.SchemaVersion,
        written.Results[0]!.Vulnerabilities.map((v) => v.VulnerabilityID),
      ]).toEqual([2, ['CVE-2026-0001']]);
      expect(fake.outputs.passed).toBe('false');
    });
  });
});
