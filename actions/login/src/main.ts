import { runAction } from '@sovereign-ci/action-kit';
import { post, run } from './run';

await runAction(run, post);
