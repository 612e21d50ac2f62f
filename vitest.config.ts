import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vitest/config';

/** The workflow parser ships source maps without their sources; drop them instead of warning per file. */
const dropWorkflowParserSourceMaps: Plugin = {
  name: 'drop-workflow-parser-source-maps',
  load(id) {
    if (!id.includes('@actions/workflow-parser/dist/') || !id.endsWith('.js')) return null;
    return readFileSync(id, 'utf8').replace(/\/\/# sourceMappingURL=\S+\s*$/, '');
  },
};

export default defineConfig({
  plugins: [dropWorkflowParserSourceMaps],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // The workflow parser imports JSON without an import attribute, which Node 20 refuses.
          server: { deps: { inline: ['@actions/workflow-parser'] } },
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts', 'node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // One file at a time: each starts real registries, buildah and skopeo, and the machine has
          // two cores. Vitest puts such a project in a group of its own that runs after the unit
          // files, so the two never overlap either.
          fileParallelism: false,
        },
      },
    ],
  },
});
