import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
// The validator the scaffolder itself checks form values with (a dependency
// of @backstage/plugin-scaffolder-backend); not declared here because the
// lockfile must not change.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { Validator } from 'jsonschema';
import {
  builtinActions,
  EXTERNAL_ACTION_OUTPUTS,
  loadSuiteTemplates,
  outputNames,
  pageProperties,
  parameterNames,
  secretFields,
  stepOutputReferences,
  suiteActions,
} from './__testUtils__/suiteTemplates';

const templates = loadSuiteTemplates();
const ours = suiteActions();
const builtins = builtinActions();
const actionsById = new Map(
  [...ours, ...builtins].map(action => [action.id, action]),
);
const outputsOf = (id: string): string[] | undefined => {
  const action = actionsById.get(id);
  if (!action) return EXTERNAL_ACTION_OUTPUTS[id];
  return [...outputNames(action), ...(EXTERNAL_ACTION_OUTPUTS[id] ?? [])];
};

/** Templates this suite owns here (workspace-image has its own tests). */
const CLUSTER_TEMPLATES = [
  'gcp-project-bootstrap',
  'coder-development-cluster',
  'coder-cluster-teardown',
  'postgres-restore',
];

const allCases = templates.map(t => [t.name, t] as const);
const cases = allCases.filter(([, t]) => t.entity);
const clusterCases = cases.filter(([name]) => CLUSTER_TEMPLATES.includes(name));

/** Removes the ui:* keys a JSON-schema validator does not know. */
const withoutUi = (schema: any): any =>
  JSON.parse(
    JSON.stringify(schema, (key, value) =>
      key.startsWith('ui:') ? undefined : value,
    ),
  );

describe('the suite templates (static checks)', () => {
  it('templates/all.yaml lists the four cluster lifecycle templates', () => {
    expect(templates.map(t => t.name)).toEqual(
      expect.arrayContaining(CLUSTER_TEMPLATES),
    );
  });

  it.each(allCases)('%s is valid YAML', (_name, t) => {
    expect(t.error).toBeUndefined();
  });

  it.each(cases)('%s is a valid v1beta3 template', async (_name, t) => {
    await expect(templateEntityV1beta3Validator.check(t.entity)).resolves.toBe(
      true,
    );
  });

  it.each(cases)('%s has unique step ids', (_name, t) => {
    const ids = (t.entity.spec.steps as any[]).map(s => s.id);
    expect(ids.every(id => typeof id === 'string' && id)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(cases)(
    '%s uses only actions of our module or listed built-ins',
    (_name, t) => {
      const unknown = (t.entity.spec.steps as any[])
        .map(s => s.action as string)
        .filter(id => !outputsOf(id));
      expect(unknown).toEqual([]);
    },
  );

  it.each(cases)(
    '%s: every parameter default satisfies its schema',
    (_name, t) => {
      const validator = new Validator();
      const problems: string[] = [];
      let checked = 0;
      for (const page of t.entity.spec.parameters as any[]) {
        for (const { name, schema } of pageProperties(page)) {
          if (schema?.default === undefined) continue;
          checked++;
          const result = validator.validate(schema.default, withoutUi(schema));
          for (const e of result.errors) problems.push(`${name}: ${e.message}`);
        }
      }
      expect(problems).toEqual([]);
      expect(checked).toBeGreaterThan(0);
    },
  );

  it.each(cases)(
    '%s: every steps.x.output.y names an earlier step and an output its action declares',
    (_name, t) => {
      const steps = t.entity.spec.steps as any[];
      const problems: string[] = [];
      const check = (where: string, value: unknown, before: number) => {
        for (const ref of stepOutputReferences(JSON.stringify(value ?? ''))) {
          const index = steps.findIndex(s => s.id === ref.step);
          if (index < 0) {
            problems.push(`${where}: no step ${ref.step}`);
            continue;
          }
          if (index >= before) {
            problems.push(`${where}: step ${ref.step} has not run yet`);
          }
          const outputs = outputsOf(steps[index].action) ?? [];
          if (!outputs.includes(ref.output)) {
            problems.push(
              `${where}: ${steps[index].action} (step ${ref.step}) declares no output ${ref.output}`,
            );
          }
        }
      };
      steps.forEach((step, i) =>
        check(`step ${step.id}`, [step.input, step.if, step.each], i),
      );
      check('output', t.entity.spec.output, steps.length);
      expect(problems).toEqual([]);
    },
  );

  it.each(cases)('%s: every parameters.x names a form field', (_name, t) => {
    const fields = parameterNames(t.entity);
    const used = [
      ...JSON.stringify(t.entity.spec.steps).matchAll(
        /parameters\.([A-Za-z0-9_]+)/g,
      ),
      ...JSON.stringify(t.entity.spec.output ?? {}).matchAll(
        /parameters\.([A-Za-z0-9_]+)/g,
      ),
    ].map(m => m[1]);
    expect([...new Set(used)].filter(name => !fields.includes(name))).toEqual(
      [],
    );
  });

  it.each(clusterCases)(
    '%s is tagged coder-platform-admin and recovers after a restart',
    (_name, t) => {
      expect(t.entity.metadata.tags).toContain('coder-platform-admin');
      expect(t.entity.spec.EXPERIMENTAL_recovery).toEqual({
        EXPERIMENTAL_strategy: 'startOver',
      });
    },
  );

  it.each(clusterCases)(
    '%s: secrets come from ui:field Secret fields, never plain parameters',
    (_name, t) => {
      const secrets = secretFields(t.entity);
      const steps = JSON.stringify(t.entity.spec.steps);
      // Task secrets named by actions (taskSecret, passwordSecret) exist as Secret fields.
      const named = [
        ...steps.matchAll(/"(?:taskSecret|passwordSecret)":"([^"]+)"/g),
      ].map(m => m[1]);
      expect(named.filter(n => !secrets.includes(n))).toEqual([]);
      // No Secret field is ever rendered from parameters into an input.
      for (const secret of secrets) {
        expect(steps).not.toContain(`parameters.${secret}`);
      }
    },
  );
});
