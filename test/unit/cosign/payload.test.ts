import { describe, expect, it } from 'vitest';
import { cosignIdentity, goJsonString, parseSimpleSigning, simpleSigningPayload } from '@sovereign-ci/cosign';
import { parseReference } from '@sovereign-ci/oci';

const digest = 'sha256:d34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33f';

describe('simpleSigningPayload', () => {
  // Expected bytes from sigstore/sigstore pkg/signature/payload/payload_test.go and cosign's obsolete_test.go.
  describe('when compared with the bytes cosign and sigstore assert in their tests', () => {
    it.each([
      [
        'no annotations',
        { dockerReference: 'example.com/test/image', digest },
        '{"critical":{"identity":{"docker-reference":"example.com/test/image"},"image":{"docker-manifest-digest":"sha256:d34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33f"},"type":"cosign container image signature"},"optional":null}',
      ],
      [
        'annotations (sorted, numbers kept)',
        {
          dockerReference: 'example.com/atomic/test/image',
          digest,
          annotations: { timestamp: 1458239713, creator: 'atomic' },
        },
        '{"critical":{"identity":{"docker-reference":"example.com/atomic/test/image"},"image":{"docker-manifest-digest":"sha256:d34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33f"},"type":"cosign container image signature"},"optional":{"creator":"atomic","timestamp":1458239713}}',
      ],
      [
        'nested annotations',
        {
          dockerReference: 'example.com/cosign/test/image',
          digest,
          annotations: {
            creator: 'anyone',
            some_struct: { foo: 'bar', false: true, nothing: null },
            'CamelCase WithSpace': 8.314,
          },
        },
        '{"critical":{"identity":{"docker-reference":"example.com/cosign/test/image"},"image":{"docker-manifest-digest":"sha256:d34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33f"},"type":"cosign container image signature"},"optional":{"CamelCase WithSpace":8.314,"creator":"anyone","some_struct":{"false":true,"foo":"bar","nothing":null}}}',
      ],
      [
        'the obsolete_test docker.io identity',
        {
          dockerReference: cosignIdentity(parseReference('namespace/image')),
          digest: 'sha256:4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec',
        },
        '{"critical":{"identity":{"docker-reference":"index.docker.io/namespace/image"},"image":{"docker-manifest-digest":"sha256:4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec"},"type":"cosign container image signature"},"optional":null}',
      ],
    ])('writes %s byte for byte', (_name, input, expected) => {
      expect(simpleSigningPayload(input).toString('utf8')).toBe(expected);
    });
  });

  describe('when annotations is an empty object', () => {
    it('writes optional null, as cosign does without -a', () => {
      expect(
        simpleSigningPayload({ dockerReference: 'r.lab/a', digest, annotations: {} }).toString(),
      ).toMatch(/"optional":null\}$/);
    });
  });

  describe('when the real containers/image fixture payload is re-created', () => {
    it('equals the bytes cosign signed', async () => {
      const { readFileSync } = await import('node:fs');
      const { fixturePath } = await import('../../harness/fixtures');
      const file = readFileSync(
        fixturePath('cosign/containers-image/fixtures/dir-img-cosign-valid/signature-1'),
      );
      const signed = Buffer.from(
        (JSON.parse(file.subarray(15).toString()) as { payload: string }).payload,
        'base64',
      );
      const ours = simpleSigningPayload({
        dockerReference: '192.168.64.2:5000/cosign-signed-single-sample',
        digest: 'sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00',
      });
      expect(ours.equals(signed)).toBe(true);
    });
  });
});

describe('parseSimpleSigning', () => {
  describe('when given a payload', () => {
    it('reads its fields', () => {
      const bytes = simpleSigningPayload({ dockerReference: 'r.lab/a', digest, annotations: { a: 'b' } });
      expect(parseSimpleSigning(bytes)).toEqual({
        dockerReference: 'r.lab/a',
        digest,
        type: 'cosign container image signature',
        optional: { a: 'b' },
      });
    });
  });

  describe('when given something else', () => {
    it.each(['not json', '[]', '{"critical":1}'])('returns undefined for %s', (text) => {
      expect(parseSimpleSigning(Buffer.from(text))).toBeUndefined();
    });
  });
});

describe('goJsonString', () => {
  describe('when a string has characters Go escapes', () => {
    it.each([
      ['<a&b>', '"\\u003ca\\u0026b\\u003e"'],
      ['line\nbreak\ttab\r', '"line\\nbreak\\ttab\\r"'],
      ['\u0001\u001f', '"\\u0001\\u001f"'],
      ['\u2028\u2029', '"\\u2028\\u2029"'],
      ['quote " back \\', '"quote \\" back \\\\"'],
      ['ünïcode ✓', '"ünïcode ✓"'],
    ])('encodes %j as Go does', (input, expected) => {
      expect(goJsonString(input)).toBe(expected);
    });
  });
});

describe('cosignIdentity', () => {
  describe('when naming images the way go-containerregistry does', () => {
    it.each([
      ['alpine', 'index.docker.io/library/alpine'],
      ['docker.io/team/app:1', 'index.docker.io/team/app'],
      ['harbor.lab:8443/proj/app@' + digest, 'harbor.lab:8443/proj/app'],
      ['127.0.0.1:5000/a/b/c:tag', '127.0.0.1:5000/a/b/c'],
    ])('names %s as %s', (input, expected) => {
      expect(cosignIdentity(parseReference(input))).toBe(expected);
    });
  });
});
