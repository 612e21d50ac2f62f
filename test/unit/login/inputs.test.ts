import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setSecretMasker } from '@sovereign-ci/action-kit';
import { readInputs } from '../../../actions/login/src/inputs';

const dir = mkdtempSync(path.join(os.tmpdir(), 'login-inputs-'));
const ca = path.join(dir, 'ca.pem');
writeFileSync(ca, 'pem');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = { INPUT_REGISTRY: 'harbor.lab', INPUT_USERNAME: 'robot$ci', INPUT_PASSWORD: ' pass word ' };

describe('readInputs', () => {
  describe('when the inputs are valid', () => {
    it.each([
      [
        {},
        {
          registry: 'harbor.lab',
          username: 'robot$ci',
          password: ' pass word ',
          logout: true,
          insecure: false,
        },
      ],
      [
        { INPUT_REGISTRY: 'https://Harbor.Lab:8443/' },
        {
          registry: 'harbor.lab:8443',
          username: 'robot$ci',
          password: ' pass word ',
          logout: true,
          insecure: false,
        },
      ],
      [
        { INPUT_REGISTRY: 'index.docker.io' },
        {
          registry: 'docker.io',
          username: 'robot$ci',
          password: ' pass word ',
          logout: true,
          insecure: false,
        },
      ],
      [
        { INPUT_LOGOUT: 'false', INPUT_INSECURE: 'true', 'INPUT_CA-FILE': ca },
        {
          registry: 'harbor.lab',
          username: 'robot$ci',
          password: ' pass word ',
          logout: false,
          insecure: true,
          caFile: ca,
        },
      ],
    ])('%j', (extra, expected) => {
      expect(readInputs({ ...base, ...extra })).toEqual(expected);
    });

    it('masks the password as it reads it', () => {
      const masked: string[] = [];
      setSecretMasker((v) => masked.push(v));
      readInputs(base);
      expect(masked).toContain(' pass word ');
    });
  });

  describe('when an input is bad', () => {
    it.each([
      [{ INPUT_REGISTRY: '' }, "input 'registry': is required but was not set"],
      [
        { INPUT_REGISTRY: 'harbor.lab/team/app' },
        "input 'registry': expected a registry host such as harbor.lab or forgejo.lab:3000, got 'harbor.lab/team/app'",
      ],
      [{ INPUT_USERNAME: '' }, "input 'username': is required but was not set"],
      [{ INPUT_PASSWORD: '' }, "input 'password': is required but was not set"],
      [{ INPUT_LOGOUT: 'yes' }, "input 'logout': expected true or false, got 'yes'"],
      [
        { 'INPUT_CA-FILE': path.join(dir, 'absent.pem') },
        `input 'ca-file': file not found: ${path.join(dir, 'absent.pem')}`,
      ],
    ])('%j', (extra, message) => {
      expect(() => readInputs({ ...base, ...extra })).toThrow(message);
    });
  });
});
