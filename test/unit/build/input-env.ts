/** Action inputs as the runner passes them: `INPUT_<NAME>` variables. */
export function inputEnv(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [`INPUT_${key.toUpperCase()}`, value]),
  );
}
