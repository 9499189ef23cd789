import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { InMemoryBucket } from '@coder-platform/testing';
import type { Bucket } from '@google-cloud/storage';
import fc from 'fast-check';
import { createClusterActions } from './index';
import { Field, fieldsOf, wrongType } from '../__testUtils__/schemaArbitraries';
import { mockContext } from './__testUtils__/context';
import { fakeHelm } from './__testUtils__/fakeHelm';
import { fakeKeycloakBlock } from './__testUtils__/fakeKeycloak';
import { kubeClusterEntry } from './__testUtils__/fakeKube';
import { GKE_PROJECT, startGke } from './__testUtils__/gke';
import { startRecordingServer } from './__testUtils__/recordingServer';
import {
  baseInput,
  validateLikeScaffolder,
} from './__testUtils__/schemaValidation';

// Property-based tests over the input schema of every cluster action, taken
// from createClusterActions so a new action is covered without editing this
// file. Cluster handlers rely on the scaffolder validating input against the
// action's JSON schema first, so each generated input goes through that same
// validation (validateLikeScaffolder: jsonschema.validate, as
// NunjucksWorkflowRunner does). Bad values must be refused there, naming the
// field; values the schema lets through but the trust rules refuse (a GKE
// cluster of another project, an endpoint URL, an unknown name) must be
// refused by the handler with an InputError naming `cluster`, before any
// server receives a request.

jest.setTimeout(120_000);

const RUNS = Number(process.env.PROPERTY_RUNS ?? 30);

/** Strings wrong for names, versions and URLs: RFC 1123 breakers, unicode, huge. */
const nasty = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '-leading-hyphen',
    'trailing-hyphen-',
    'UPPER',
    'under_score',
    'dot.in.label',
    'a'.repeat(64),
    'a'.repeat(300),
    '^1.33',
    '1.x',
    'v1..2',
    // eslint-disable-next-line no-script-url
    'javascript:alert(1)',
    'http://',
    'ftp://example.com',
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

/** Whether the string field's own constraints refuse `s` (as JSON schema reads them). */
function breaks(f: Field, s: string): boolean {
  const length = [...s].length;
  if (f.enum) return !f.enum.includes(s);
  if (f.pattern && !new RegExp(f.pattern, 'u').test(s)) return true;
  if (f.maxLength !== undefined && length > f.maxLength) return true;
  if (f.minLength !== undefined && length < f.minLength) return true;
  return false;
}

describe('every cluster action input schema (property-based)', () => {
  let recorder: Awaited<ReturnType<typeof startRecordingServer>>;
  let attacker: Awaited<ReturnType<typeof startRecordingServer>>;
  let gke: Awaited<ReturnType<typeof startGke>>;
  let actions: ReturnType<typeof createClusterActions>;
  const workspace = createMockDirectory();

  beforeAll(async () => {
    // coder:template:push reads its template directory before the cluster.
    workspace.setContent({ 'coder-templates/devbox/main.tf': '# devbox\n' });
    recorder = await startRecordingServer();
    attacker = await startRecordingServer();
    gke = await startGke(attacker.url);
    actions = createClusterActions({
      config: new ConfigReader({
        coderPlatform: {
          ...gke.config,
          clusterActions: { helm: { binary: fakeHelm().bin } },
          clusters: [
            kubeClusterEntry('dev', recorder.url, {
              keycloak: fakeKeycloakBlock(recorder.url),
              coder: { url: recorder.url },
            }),
          ],
        },
      }),
      authClient: gke.authClient,
      pollIntervalMs: 5,
      gcsBucket: () => new InMemoryBucket() as unknown as Bucket,
    });
  });
  afterAll(() => Promise.all([recorder.stop(), attacker.stop(), gke.stop()]));

  const requestsSeen = () =>
    recorder.requests.length + attacker.requests.length + gke.getClusterCalls();

  const base = (action: any) => {
    const input = baseInput(action, 'dev');
    if (!action.schema.input.properties.cluster) delete input.cluster;
    return input;
  };

  /**
   * Task secrets for every string of the input (the examples name the task
   * secrets they read), so only the cluster can be what the handler refuses.
   */
  const taskSecretsFor = (input: unknown): Record<string, string> => {
    const names: string[] = [];
    const walk = (v: unknown) => {
      if (typeof v === 'string' && v.length < 100) names.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(input);
    return Object.fromEntries(
      [...names, 'coderAdminPassword', 'coderSessionToken'].map(n => [
        n,
        'task-secret-value',
      ]),
    );
  };

  /** The scaffolder's verdict on an input: undefined when it passes. */
  const verdict = (action: any, input: unknown) => {
    try {
      validateLikeScaffolder(action, input);
      return undefined;
    } catch (error) {
      return error as Error;
    }
  };

  /** What a schema refusal must look like: an InputError naming the field. */
  const refusal = (error: Error | undefined, field: string) => ({
    name: error?.name,
    namesField: new RegExp(`instance\\.${field}(\\W|$)`).test(
      error?.message ?? '',
    ),
  });
  const REFUSED = { name: 'InputError', namesField: true };

  it('covers every action createClusterActions returns, and their documented inputs pass', () => {
    expect(actions.length).toBeGreaterThanOrEqual(11);
    for (const action of actions) {
      expect(fieldsOf(action).length).toBeGreaterThan(0);
      expect(verdict(action, base(action))).toBeUndefined();
    }
    const all = actions.flatMap(fieldsOf);
    expect(all.filter(f => f.pattern).length).toBeGreaterThan(5);
    expect(all.filter(f => f.enum).length).toBeGreaterThan(2);
  });

  it('a value of the wrong type in any field is refused, naming it', () => {
    for (const action of actions) {
      const fields = fieldsOf(action).filter(f => wrongType(f.type));
      fc.assert(
        fc.property(
          fc
            .constantFrom(...fields)
            .chain(f => fc.tuple(fc.constant(f), wrongType(f.type)!)),
          ([field, value]) => {
            const error = verdict(action, {
              ...base(action),
              [field.name]: value,
            });
            expect(refusal(error, field.name)).toEqual(REFUSED);
          },
        ),
        { numRuns: RUNS },
      );
    }
  });

  it('a string breaking a field pattern, enum or length (RFC 1123 names, versions, URLs, unicode, huge) is refused, naming it', () => {
    for (const action of actions) {
      const fields = fieldsOf(action).filter(
        f =>
          f.type === 'string' &&
          (f.pattern || f.enum || f.maxLength !== undefined),
      );
      if (!fields.length) continue;
      fc.assert(
        fc.property(
          fc.constantFrom(...fields).chain(f =>
            fc.tuple(
              fc.constant(f),
              nasty.filter(s => breaks(f, s)),
            ),
          ),
          ([field, value]) => {
            const error = verdict(action, {
              ...base(action),
              [field.name]: value,
            });
            expect(refusal(error, field.name)).toEqual(REFUSED);
          },
        ),
        { numRuns: RUNS },
      );
    }
  });

  it('an unknown field is refused, naming it', () => {
    for (const action of actions) {
      fc.assert(
        fc.property(
          fc
            .stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,20}$/)
            .filter(k => !fieldsOf(action).some(f => f.name === k)),
          fc.jsonValue(),
          (key, value) => {
            const error = verdict(action, { ...base(action), [key]: value });
            expect(error?.name).toBe('InputError');
            expect(error?.message).toContain(`"${key}"`);
          },
        ),
        { numRuns: RUNS },
      );
    }
  });

  const clusterActions = () =>
    actions.filter((a: any) => a.schema.input.properties.cluster);

  it('a cluster that is no string (the old endpoint + CA object, arrays, numbers) is refused by the schema, naming cluster', () => {
    expect(clusterActions().length).toBeGreaterThanOrEqual(10);
    for (const action of clusterActions()) {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.record({
              endpoint: fc.webUrl(),
              caCertificate: fc.base64String(),
            }),
            fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }),
            fc.array(fc.string(), { maxLength: 3 }),
            fc.integer(),
            fc.boolean(),
            fc.constant(null),
            fc.string({ minLength: 201, maxLength: 2_000 }),
            fc.constant(''),
          ),
          cluster => {
            const error = verdict(action, { ...base(action), cluster });
            expect(refusal(error, 'cluster')).toEqual(REFUSED);
          },
        ),
        { numRuns: RUNS },
      );
    }
  });

  /** Strings the schema lets through as `cluster` but the trust rules refuse. */
  const untrustedCluster = fc.oneof(
    fc.webUrl(),
    fc.constant(null).map(() => attacker.url),
    fc
      .tuple(
        fc
          .stringMatching(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/)
          .filter(p => p !== GKE_PROJECT),
        fc.constantFrom('europe-west1', 'us-central1-a'),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/),
      )
      .map(([p, l, c]) => `projects/${p}/locations/${l}/clusters/${c}`),
    fc
      .stringMatching(/^[a-z][a-z0-9-]{0,30}$/)
      .filter(name => name !== 'dev' && !name.startsWith('projects')),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
  );

  it('a cluster the schema lets through but the trust rules refuse fails with an InputError naming cluster; no server sees a request', async () => {
    for (const action of clusterActions()) {
      await fc.assert(
        fc.asyncProperty(untrustedCluster, async cluster => {
          const input = { ...base(action), cluster };
          const before = requestsSeen();
          expect(verdict(action, input)).toBeUndefined();
          const ctx = mockContext(input, {
            workspacePath: workspace.path,
            secrets: taskSecretsFor(input),
          });
          const error = await action.handler(ctx as any).then(
            () => undefined,
            e => e as Error,
          );
          expect({
            name: error?.name,
            namesCluster: /(^|\W)cluster: /.test(error?.message ?? ''),
            requests: requestsSeen() - before,
            ...(/(^|\W)cluster: /.test(error?.message ?? '')
              ? {}
              : { message: error?.message }),
          }).toEqual({ name: 'InputError', namesCluster: true, requests: 0 });
        }),
        { numRuns: RUNS },
      );
    }
  });
});
