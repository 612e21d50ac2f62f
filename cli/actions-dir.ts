import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors';

/** Names of the actions under `<root>/actions` that have an action.yml, sorted. */
export function actionNames(root: string): string[] {
  const dir = path.join(root, 'actions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(
      (name) =>
        existsSync(path.join(dir, name, 'action.yml')) || existsSync(path.join(dir, name, 'action.yaml')),
    )
    .sort();
}

/** The directory of action `name`, or a usage error listing the actions there are. */
export function actionDir(root: string, name: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || !actionNames(root).includes(name)) {
    const known = actionNames(root).join(', ') || '(none)';
    throw new UsageError(`no action named "${name}" in ${path.join(root, 'actions')}; available: ${known}`);
  }
  return path.join(root, 'actions', name);
}
