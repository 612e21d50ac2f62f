import { UsageError } from './errors';

/** Whether `post` runs after a main step that ended with `mainExit`; `post-if` defaults to always(). */
export function shouldRunPost(postIf: string | undefined, mainExit: number): boolean {
  const condition = (postIf ?? 'always()').replace(/^\$\{\{\s*|\s*\}\}$/g, '').trim();
  switch (condition) {
    case 'always()':
      return true;
    case 'success()':
      return mainExit === 0;
    case 'failure()':
      return mainExit !== 0;
    case 'cancelled()':
      return false;
    default:
      throw new UsageError(
        `post-if: ${condition} is not supported by the CLI (use always(), success() or failure())`,
      );
  }
}
