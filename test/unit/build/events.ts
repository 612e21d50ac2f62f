import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRunnerContext, type RunnerContext } from '@sovereign-ci/action-kit';
import type { EventPayload } from '@sovereign-ci/build';

const dir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'fixtures',
  'build',
  'events',
);

export type Forge = 'github' | 'forgejo';

export interface RecordedEvent {
  env: Record<string, string>;
  runner: RunnerContext;
  payload: EventPayload;
  eventPath: string;
}

/** A recorded event: its runner variables (`<name>.env`) and payload (`<name>.json`). */
export function loadEvent(forge: Forge, name: string): RecordedEvent {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path.join(dir, forge, `${name}.env`), 'utf8').split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) env[line.slice(0, equals)] = line.slice(equals + 1);
  }
  const eventPath = path.join(dir, forge, `${name}.json`);
  env[forge === 'forgejo' ? 'FORGEJO_EVENT_PATH' : 'GITHUB_EVENT_PATH'] = eventPath;
  const payload = JSON.parse(readFileSync(eventPath, 'utf8')) as EventPayload;
  return { env, runner: readRunnerContext(env, '/workspace'), payload, eventPath };
}

export const eventsDir = dir;
