import { GcpContractServer } from '@coder-platform/testing';
import fc from 'fast-check';
import { createGcpActions } from './gcp';
import { fieldsOf, wrongType } from './__testUtils__/schemaArbitraries';
import { bindingOptions } from './gcp/__testUtils__/iamTargets';
import {
  exampleInputs,
  mockContext,
  startGcp,
} from './gcp/__testUtils__/harness';
import { createCatalogActions } from './catalog';
import { createWorkspaceActions } from './workspace';
import * as rules from './workspace/workspaceImageRules';
import { workspaceOptions } from './workspace/__testUtils__/clusterCatalog';
import { mockContext as clusterContext } from './cluster/__testUtils__/context';
import {
  baseInput,
  validateLikeScaffolder,
} from './cluster/__testUtils__/schemaValidation';
import { MemoryCatalogAccess } from './__testUtils__/memoryCatalogAccess';

// Property-based tests over the input schema of every GCP action, taken from
// createGcpActions so a new action is covered without editing this file. Each
// action starts from the input of its first documented example, one field is
// replaced by a generated bad value, and the handler must answer with an
// InputError naming that field (its zod issue path) before any request
// reaches the contract servers (they count every call).
//
// Cluster actions are not here: their handlers rely on the scaffolder
// validating input against the JSON schema before they run (they do not
// parse it themselves), so calling a handler directly proves nothing; see
// cluster/inputProperties.property.test.ts. The workspace-image and catalog
// actions are at the end of this file.

jest.setTimeout(120_000);

const RUNS = Number(process.env.PROPERTY_RUNS ?? 30);

/** Strings that are wrong almost everywhere: names, CIDRs, versions, URLs, cron, unicode, huge. */
const nasty = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '-leading-hyphen',
    'trailing-hyphen-',
    'UPPER',
    'under_score',
    'a'.repeat(64),
    'a'.repeat(300),
    '10.0.0.0/33',
    '300.1.1.1/24',
    '10.0.0/24',
    '^1.33',
    '1.x',
    // eslint-disable-next-line no-script-url
    'javascript:alert(1)',
    'http://',
    '* * *',
    '61 * * * *',
    'ünïcödé',
    '名前',
    'emoji-😀',
    'a\u0000b',
    'line\nbreak',
    '../../etc/passwd',
    '${{ secrets.x }}',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ minLength: 5_000, maxLength: 20_000 }),
);

describe('every GCP action input schema (property-based)', () => {
  let gcp: GcpContractServer;
  let actions: ReturnType<typeof createGcpActions>;

  beforeAll(async () => {
    gcp = await startGcp();
    actions = createGcpActions(bindingOptions(gcp));
  });
  afterAll(() => gcp.stop());

  /** Runs the handler; the outcome, and the calls the contract servers saw. */
  async function attempt(action: any, input: Record<string, unknown>) {
    gcp.calls.reset();
    const { ctx } = mockContext(input, { dryRun: true });
    try {
      await action.handler(ctx);
      return { error: undefined, calls: gcp.calls.count() };
    } catch (error) {
      return { error: error as Error, calls: gcp.calls.count() };
    }
  }

  const base = (action: any) =>
    exampleInputs(action.id, action.examples[0].example)[0];

  /** What a refusal must look like: an InputError naming the field, no request. */
  const REFUSED = { name: 'InputError', namesField: true, calls: 0 };
  const refusal = (
    outcome: { error?: Error; calls: number },
    actionId: string,
    field: string,
  ) => ({
    name: outcome.error?.name,
    namesField: new RegExp(
      `^Invalid input to ${actionId}: (.*; )?${field}[.:]`,
    ).test(outcome.error?.message ?? ''),
    calls: outcome.calls,
    ...(outcome.error ? {} : { accepted: true }),
  });

  it('covers every action createGcpActions returns', () => {
    expect(actions.length).toBeGreaterThanOrEqual(10);
    for (const action of actions)
      expect(fieldsOf(action).length).toBeGreaterThan(0);
    // The generators below have something to break.
    const all = actions.flatMap(fieldsOf);
    expect(all.filter(f => f.pattern).length).toBeGreaterThan(10);
    expect(all.filter(f => f.enum).length).toBeGreaterThan(5);
  });

  it('a value of the wrong type in any field is refused, naming it, before any request', async () => {
    for (const action of actions) {
      const fields = fieldsOf(action).filter(f => wrongType(f.type));
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...fields)
            .chain(f => fc.tuple(fc.constant(f), wrongType(f.type)!)),
          async ([field, value]) => {
            const outcome = await attempt(action, {
              ...base(action),
              [field.name]: value,
            });
            expect(refusal(outcome, action.id, field.name)).toEqual(REFUSED);
          },
        ),
        { numRuns: RUNS },
      );
    }
  });

  it('a string breaking a field pattern or enum (names, CIDRs, unicode, huge) is refused, naming it', async () => {
    for (const action of actions) {
      const fields = fieldsOf(action).filter(f => f.pattern || f.enum);
      if (!fields.length) continue;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...fields).chain(f =>
            fc.tuple(
              fc.constant(f),
              nasty.filter(s =>
                f.enum ? !f.enum.includes(s) : !new RegExp(f.pattern!).test(s),
              ),
            ),
          ),
          async ([field, value]) => {
            const outcome = await attempt(action, {
              ...base(action),
              [field.name]: value,
            });
            expect(refusal(outcome, action.id, field.name)).toEqual(REFUSED);
          },
        ),
        { numRuns: RUNS },
      );
    }
  });

  it('any JSON as the whole input never gives an unhandled exception, nor a request when refused', async () => {
    for (const action of actions) {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.jsonValue(),
            fc.dictionary(
              fc.constantFrom(...fieldsOf(action).map(f => f.name), 'unknown'),
              fc.jsonValue(),
            ),
          ),
          async input => {
            const outcome = await attempt(action, input as any);
            // Accepted (valid after all), or refused before any request.
            expect(
              outcome.error
                ? { name: outcome.error.name, calls: outcome.calls }
                : { name: 'InputError', calls: 0 },
            ).toEqual({ name: 'InputError', calls: 0 });
          },
        ),
        { numRuns: RUNS },
      );
    }
  });
});

/** A field of the workspace-image form, as its own rules (workspaceImageRules.ts) define it. */
type FormRule =
  | { kind: 'string'; pattern: string; max?: number; optional?: boolean }
  | { kind: 'cron' }
  | { kind: 'list'; pattern: string; max: number }
  | { kind: 'number'; limits: { min: number; max: number; step?: number } }
  | { kind: 'boolean' };

const FORM: Record<string, FormRule> = {
  name: { kind: 'string', pattern: rules.NAME_PATTERN },
  description: {
    kind: 'string',
    pattern: rules.DESCRIPTION_PATTERN,
    optional: true,
  },
  owner: { kind: 'string', pattern: rules.OWNER_PATTERN },
  baseImage: {
    kind: 'string',
    pattern: rules.IMAGE_REFERENCE_PATTERN,
    max: rules.IMAGE_REFERENCE_MAX,
  },
  packages: {
    kind: 'list',
    pattern: rules.APT_PACKAGE_PATTERN,
    max: rules.APT_PACKAGES_MAX,
  },
  extensions: {
    kind: 'list',
    pattern: rules.EXTENSION_ID_PATTERN,
    max: rules.EXTENSIONS_MAX,
  },
  cpu: { kind: 'number', limits: rules.LIMITS.cpu },
  memoryGib: { kind: 'number', limits: rules.LIMITS.memoryGib },
  homeDiskGib: { kind: 'number', limits: rules.LIMITS.homeDiskGib },
  ttlHours: { kind: 'number', limits: rules.LIMITS.ttlHours },
  docker: { kind: 'boolean' },
  backup: { kind: 'boolean' },
  backupCron: { kind: 'cron' },
  cluster: { kind: 'string', pattern: rules.CLUSTER_REF_PATTERN },
  repoUrl: { kind: 'string', pattern: rules.REPO_URL_PATTERN },
  imageRegistry: {
    kind: 'string',
    pattern: rules.REGISTRY_PATTERN,
    max: 200,
    optional: true,
  },
};

/** Strings a rule refuses (by pattern, length or cron ranges). */
const refusedString = (rule: {
  pattern: string;
  max?: number;
  optional?: boolean;
}) =>
  nasty.filter(
    s =>
      !(rule.optional && s === '') &&
      (s.length > (rule.max ?? 255) || !new RegExp(rule.pattern).test(s)),
  );
const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
);

/** Values the form refuses in a field with this rule (the base input has backup on). */
function badValue(rule: FormRule): fc.Arbitrary<unknown> {
  switch (rule.kind) {
    case 'string':
      return fc.oneof(
        notAString,
        refusedString(rule),
        ...(rule.optional ? [] : [fc.constantFrom(null, '')]),
      );
    case 'cron':
      return fc.oneof(
        notAString,
        fc.constantFrom(null, ''),
        nasty.filter(
          s =>
            !new RegExp(rules.CRON_PATTERN).test(s) ||
            rules.cronProblem(s) !== undefined,
        ),
        fc.constantFrom('60 * * * *', '* 24 * * *', '* * 0 * *', '5-1 * * * *'),
      );
    case 'list':
      return fc.oneof(
        fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant({})),
        // One refused entry among good ones.
        fc
          .tuple(
            fc.oneof(notAString, refusedString(rule), fc.constant(null)),
            fc.nat({ max: 2 }),
          )
          .map(([bad, at]) => {
            const list: unknown[] = ['git', 'curl'];
            list.splice(at, 0, bad);
            return list;
          }),
        // Too many.
        fc
          .integer({ min: rule.max + 1, max: rule.max + 20 })
          .map(n => Array.from({ length: n }, (_, i) => `pkg${i}.a${i}`)),
      );
    case 'number': {
      const { min, max, step = 1 } = rule.limits;
      return fc.oneof(
        fc.oneof(
          fc.string(),
          fc.boolean(),
          fc.constant(null),
          fc.constant([]),
          fc.constant({}),
        ),
        fc
          .double()
          .filter(
            n =>
              !Number.isFinite(n) ||
              n < min ||
              n > max ||
              !Number.isInteger(n / step),
          ),
        fc.constantFrom(min - step, max + step, Number.NaN, Infinity),
      );
    }
    case 'boolean':
    default:
      return fc.oneof(
        fc.constantFrom('true', 'false', 'yes', 0, 1, null, {}, []),
        fc.string(),
      );
  }
}

// coder-platform:workspace-image:validate declares every input as unknown in
// its schema (the scaffolder lets anything through) and checks the form
// itself, naming every refused field before it reads the catalog.
// coder-platform:catalog:unregister has a JSON schema the scaffolder
// validates first (validateLikeScaffolder), and checks entityRef, the
// expected type and annotations again before it removes anything.
describe('workspace-image and catalog action input schemas (property-based)', () => {
  const workspace = workspaceOptions();
  const [validate] = createWorkspaceActions(workspace);
  const catalog = new MemoryCatalogAccess();
  const [unregister] = createCatalogActions({ catalog });

  const workspaceBase = () => {
    const input = baseInput(validate, 'resource:default/dev-eu1');
    expect(input.backup).toBe(true);
    return input;
  };
  const unregisterBase = () => {
    const { cluster, ...input } = baseInput(unregister, 'unused');
    return input;
  };

  /** Runs a handler; the error, the outputs, and the catalog calls it made. */
  async function run(action: any, input: unknown) {
    workspace.catalog.lookups.length = 0;
    catalog.calls.length = 0;
    const ctx = clusterContext(input as Record<string, unknown>);
    const error = await action.handler(ctx as any).then(
      () => undefined,
      (e: Error) => e,
    );
    return {
      error: error as Error | undefined,
      outputs: ctx.output.mock.calls.length,
      lookups: workspace.catalog.lookups.length + catalog.calls.length,
      writes: catalog.writes().length,
    };
  }

  const validateRefusal = (field: string) =>
    new RegExp(
      `^coder-platform:workspace-image:validate: the request was refused before anything was rendered: (.*; )?${field}(\\[\\d+\\])?: `,
      's',
    );

  it('covers every workspace and catalog action, and their documented inputs pass', async () => {
    expect(
      [
        ...createWorkspaceActions(workspaceOptions()),
        ...createCatalogActions({ catalog: new MemoryCatalogAccess() }),
      ].map(a => a.id),
    ).toEqual([validate.id, unregister.id]);
    // The form table above names every input of validate's schema.
    expect(
      fieldsOf(validate)
        .map(f => f.name)
        .sort(),
    ).toEqual(Object.keys(FORM).sort());
    expect(await run(validate, workspaceBase())).toMatchObject({
      error: undefined,
      lookups: 1,
    });
    expect(() =>
      validateLikeScaffolder(unregister, unregisterBase()),
    ).not.toThrow();
    const types = fieldsOf(unregister).map(f => [f.name, f.type]);
    expect(types).toEqual([
      ['entityRef', 'string'],
      ['expectedType', 'string'],
      ['expectedAnnotations', 'object'],
      ['removeColocated', 'boolean'],
    ]);
  });

  it('workspace-image:validate: a refused value in any field (wrong type, pattern, range, cron, list, unicode, huge) is refused naming it, before the catalog is read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...Object.entries(FORM))
          .chain(([field, rule]) =>
            fc.tuple(fc.constant(field), badValue(rule)),
          ),
        async ([field, value]) => {
          const outcome = await run(validate, {
            ...workspaceBase(),
            [field]: value,
          });
          expect({
            name: outcome.error?.name,
            namesField: validateRefusal(field).test(
              outcome.error?.message ?? '',
            ),
            outputs: outcome.outputs,
            lookups: outcome.lookups,
          }).toEqual({
            name: 'InputError',
            namesField: true,
            outputs: 0,
            lookups: 0,
          });
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });

  it('workspace-image:validate: any JSON the scaffolder lets through is accepted or refused with an InputError, never an unhandled exception', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc.dictionary(
            fc.constantFrom(...Object.keys(FORM), 'unknown'),
            fc.jsonValue(),
          ),
          fc
            .dictionary(fc.constantFrom(...Object.keys(FORM)), fc.jsonValue())
            .map(over => ({ ...workspaceBase(), ...over })),
        ),
        async input => {
          let schemaError: Error | undefined;
          try {
            validateLikeScaffolder(validate, input);
          } catch (error) {
            schemaError = error as Error;
          }
          // Refused by the scaffolder's schema, or run: accepted, or refused
          // with an InputError and no output.
          const outcome = schemaError ? undefined : await run(validate, input);
          const handler = outcome && {
            name: outcome.error?.name ?? 'InputError',
            outputs: outcome.error ? outcome.outputs : 0,
          };
          expect(schemaError?.name ?? handler).toEqual(
            schemaError ? 'InputError' : { name: 'InputError', outputs: 0 },
          );
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });

  it('catalog:unregister: a value of the wrong type, a broken entity ref or an unknown field is refused by the schema naming it, and entityRef again by the handler before any catalog call', async () => {
    const fields = fieldsOf(unregister);
    const entityRef = fields.find(f => f.name === 'entityRef')!;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc
            .constantFrom(...fields)
            .chain(f => fc.tuple(fc.constant(f.name), wrongType(f.type)!)),
          fc.tuple(
            fc.constant('entityRef'),
            nasty.filter(s => !new RegExp(entityRef.pattern!, 'u').test(s)),
          ),
          fc.tuple(fc.constant('expectedType'), fc.constant('')),
          fc.tuple(
            fc.constant('expectedAnnotations'),
            fc.dictionary(
              fc.string({ minLength: 1 }),
              fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)),
              { minKeys: 1, maxKeys: 3 },
            ),
          ),
          fc.tuple(
            fc
              .stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,20}$/)
              .filter(k => !fields.some(f => f.name === k)),
            fc.jsonValue(),
          ),
        ),
        async ([field, value]) => {
          const input = { ...unregisterBase(), [field]: value };
          let error: Error | undefined;
          try {
            validateLikeScaffolder(unregister, input);
          } catch (e) {
            error = e as Error;
          }
          const known = fields.some(f => f.name === field);
          expect({
            name: error?.name,
            namesField: known
              ? new RegExp(`instance\\.${field}(\\W|$)`).test(
                  error?.message ?? '',
                )
              : (error?.message ?? '').includes(`"${field}"`),
          }).toEqual({ name: 'InputError', namesField: true });
          // The handler's own check of entityRef, for input the schema did not see.
          const outcome =
            field === 'entityRef' ? await run(unregister, input) : undefined;
          expect(
            outcome && {
              name: outcome.error?.name,
              namesField: /^entityRef: /.test(outcome.error?.message ?? ''),
              lookups: outcome.lookups,
            },
          ).toEqual(
            field === 'entityRef'
              ? { name: 'InputError', namesField: true, lookups: 0 }
              : undefined,
          );
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });

  it('catalog:unregister: an entity whose type or annotations differ from the expected ones, or that shares its location, is refused naming the field; nothing is removed', async () => {
    const location = { id: 'loc-1', type: 'url', target: 'https://x/a.yaml' };
    catalog
      .add(
        {
          kind: 'Resource',
          metadata: {
            name: 'dev',
            annotations: { 'coder-platform.io/cluster': 'dev' },
          },
          spec: { type: 'coder-cluster' },
        },
        location,
      )
      .add(
        { kind: 'Component', metadata: { name: 'dev-docs' }, spec: {} },
        location,
      );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc
            .string({ minLength: 1, maxLength: 300 })
            .filter(t => t !== 'coder-cluster')
            .map(t => ['expectedType', { expectedType: t }] as const),
          fc
            .tuple(
              fc.constantFrom('coder-platform.io/cluster', 'other/key'),
              fc.string({ maxLength: 300 }).filter(v => v !== 'dev'),
            )
            .map(
              ([k, v]) =>
                [
                  'expectedAnnotations',
                  { expectedAnnotations: { [k]: v } },
                ] as const,
            ),
          fc.constant([
            'removeColocated',
            { expectedType: 'coder-cluster', removeColocated: false },
          ] as const),
        ),
        fc.boolean(),
        async ([field, over], dryRun) => {
          const input = {
            entityRef: 'resource:default/dev',
            ...over,
          };
          validateLikeScaffolder(unregister, input);
          catalog.calls.length = 0;
          const ctx = clusterContext(input, { isDryRun: dryRun });
          const error = await unregister.handler(ctx as any).then(
            () => undefined,
            (e: Error) => e,
          );
          expect({
            name: error?.name,
            namesField: (error?.message ?? '').includes(
              field === 'removeColocated'
                ? 'removeColocated: true'
                : `${field}: `,
            ),
            writes: catalog.writes().length,
          }).toEqual({
            name: field === 'removeColocated' ? 'Error' : 'InputError',
            namesField: true,
            writes: 0,
          });
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});
