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

// Property-based tests over the input schema of every GCP action, taken from
// createGcpActions so a new action is covered without editing this file. Each
// action starts from the input of its first documented example, one field is
// replaced by a generated bad value, and the handler must answer with an
// InputError naming that field (its zod issue path) before any request
// reaches the contract servers (they count every call).
//
// Cluster actions are not here: their handlers rely on the scaffolder
// validating input against the JSON schema before they run (they do not
// parse it themselves), so calling a handler directly proves nothing.

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
