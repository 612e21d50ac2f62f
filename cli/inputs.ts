import { inputEnvName } from '@sovereign-ci/action-kit';
import type { ActionMetadata } from './action-metadata';
import { UsageError } from './errors';

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;

/**
 * Evaluates the expressions a default may hold, from the step's environment:
 * `github.x` -> GITHUB_X (or FORGEJO_X), `runner.x` -> RUNNER_X, `env.X` -> X. Anything else is an error
 * that asks for the value to be passed with --with.
 */
export function expandDefault(
  input: string,
  value: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  return value.replace(EXPRESSION, (_match, expression: string) => {
    const found = /^(github|runner|env)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expression);
    if (!found) {
      throw new UsageError(
        `the default of input "${input}" uses \${{ ${expression} }}, which the CLI cannot evaluate: pass --with ${input}=…`,
      );
    }
    const [, scope, key = ''] = found;
    if (scope === 'env') return env[key] ?? '';
    if (scope === 'runner') return env[`RUNNER_${key.toUpperCase()}`] ?? '';
    // Forgejo sets both spellings; a caller may have only one of them.
    return env[`GITHUB_${key.toUpperCase()}`] ?? env[`FORGEJO_${key.toUpperCase()}`] ?? '';
  });
}

/**
 * The inputs of one run: action.yml defaults overlaid with `given`. Unknown inputs and missing
 * required ones are errors naming the input (a runner would only warn; the CLI is stricter).
 */
export function resolveInputs(
  action: Pick<ActionMetadata, 'name' | 'inputs'>,
  given: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const declared = new Map(action.inputs);
  const unknown = Object.keys(given).filter((name) => !declared.has(name));
  if (unknown.length > 0) {
    const known = [...declared.keys()].join(', ') || '(none)';
    throw new UsageError(
      `unknown input(s) for ${action.name}: ${unknown.join(', ')}; known inputs: ${known}`,
    );
  }
  const result: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, input] of action.inputs) {
    const value = given[name];
    if (value !== undefined) result[name] = value;
    else if (input.default !== undefined) result[name] = expandDefault(name, input.default, env);
    else if (input.required) missing.push(name);
  }
  if (missing.length > 0) {
    throw new UsageError(
      `missing required input(s) for ${action.name}: ${missing.join(', ')} (pass --with ${missing[0]}=…)`,
    );
  }
  return result;
}

/** `INPUT_*` variables for resolved inputs. */
export function inputVariables(inputs: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [inputEnvName(name), value]));
}

export { inputEnvName };
