import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSecretMasker } from '@sovereign-ci/action-kit';
import { run as mirror } from '../../../actions/mirror-model/src/run';
import { run as pull } from '../../../actions/pull-model/src/run';
import { writeTestDockerConfig, type TestDockerConfig } from '../../harness/docker-config';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { tempDir, type TempDir } from '../../harness/temp';
import { runStep, sha256sums, writeModel } from './generated-model';

describe('mirror-model and pull-model against a registry that needs a login', () => {
  let reg: TestRegistry;
  let tmp: TempDir;
  let config: TestDockerConfig;

  beforeAll(async () => {
    reg = await startRegistry('basic');
    tmp = await tempDir('model-auth');
    config = await writeTestDockerConfig([reg]);
  });
  afterAll(async () => {
    await config?.cleanup();
    await reg?.stop();
    await tmp?.cleanup();
  });

  describe('when the credentials come from the docker config', () => {
    it('uses them and masks the password before anything is logged', async () => {
      const masked: string[] = [];
      setSecretMasker((v) => masked.push(v));
      const dir = path.join(tmp.path, 'model');
      await writeModel(dir, { 'model.safetensors': 4096 });
      const env = { DOCKER_CONFIG: config.dir };
      const destination = `${reg.host}/models/authed:v1`;
      const mirrored = await runStep(
        mirror,
        { source: dir, destination, 'digest-cache': 'false' },
        tmp.path,
        env,
      );
      expect(mirrored.failed).toEqual([]);
      expect(masked).toContain(reg.password);

      masked.length = 0;
      const out = path.join(tmp.path, 'pulled');
      const pulled = await runStep(pull, { reference: destination, path: out }, tmp.path, env);
      expect(pulled.failed).toEqual([]);
      expect(masked).toContain(reg.password);
      expect(await sha256sums(out)).toEqual(await sha256sums(dir));
    });
  });
});
