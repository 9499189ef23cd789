import { InputError } from '@backstage/errors';
// The scaffolder's own validator (jsonschema@1.5, a dependency of
// @backstage/plugin-scaffolder-node and -backend). Not declared here: adding a
// devDependency would change yarn.lock, which this change must not touch.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { validate } from 'jsonschema';
import yaml from 'yaml';

/**
 * Validates `input` against the action's JSON input schema exactly as the
 * scaffolder does before it runs a handler (NunjucksWorkflowRunner in
 * @backstage/plugin-scaffolder-backend: `jsonschema.validate(input,
 * action.schema.input)`, errors joined into one InputError).
 */
export function validateLikeScaffolder(
  action: { id: string; schema?: { input?: unknown } },
  input: unknown,
): void {
  if (!action.schema?.input) return;
  const result = validate(input, action.schema.input as any);
  if (!result.valid) {
    throw new InputError(
      `Invalid input passed to action ${action.id}, ${result.errors.join(
        ', ',
      )}`,
    );
  }
}

/**
 * The input of the first step using the action in its first documented
 * example, every `${{ ... }}` expression replaced by `fill` (a value valid
 * as a name almost everywhere), and `cluster` set to `cluster`.
 */
export function baseInput(
  action: { id: string; examples?: Array<{ example: string }> },
  cluster: string,
  fill = 'dev',
): Record<string, unknown> {
  const steps = yaml.parse(action.examples![0].example).steps as Array<{
    action: string;
    input: unknown;
  }>;
  const render = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return /^\$\{\{[^}]+\}\}$/.test(v.trim())
        ? fill
        : v.replace(/\$\{\{[^}]+\}\}/g, fill);
    }
    if (Array.isArray(v)) return v.map(render);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, render(x)]),
      );
    }
    return v;
  };
  const step = steps.find(s => s.action === action.id)!;
  return { ...(render(step.input) as Record<string, unknown>), cluster };
}
