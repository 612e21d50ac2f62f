import { runAction } from '@sovereign-ci/action-kit';
import { run } from './run';

await runAction(run);
