import yaml from 'yaml';

/**
 * The inputs of every step of an example that uses `actionId`, rendered as
 * the scaffolder would: each `${{ steps.x.output.y }}` / `${{ secrets.x }}`
 * takes its value from `values`. Nothing else of the example is replaced, and
 * an expression without a value fails the test (so examples cannot chain an
 * output that does not exist).
 */
export function renderExampleInputs(
  actionId: string,
  example: string,
  values: Record<string, string> = {},
): Record<string, any>[] {
  const steps = yaml.parse(example).steps as Array<{
    action: string;
    input: unknown;
  }>;
  const render = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
        if (!(expr in values)) {
          throw new Error(`example uses \${{ ${expr} }}, which has no value`);
        }
        return values[expr];
      });
    }
    if (Array.isArray(v)) return v.map(render);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, render(x)]),
      );
    }
    return v;
  };
  return steps
    .filter(s => s.action === actionId)
    .map(s => render(s.input) as Record<string, any>);
}
