import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { CoderContractServer } from '@coder-platform/testing';
import fc from 'fast-check';
import request from 'supertest';
import { coderPlatformPlugin } from '../plugin';

// Property-based tests (fast-check) over the query parameters of every route,
// through the real router (startTestBackend + supertest) with a service over
// a Coder contract server: any query string, repeated parameters, unknown
// names, out-of-range numbers, unicode, control characters, huge values,
// bracket syntax (`a[b]=`) and broken percent-encoding answer 200, 404 or a
// 400 naming a parameter of the query, never 500 or 503.

jest.setTimeout(120_000);

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);

/** Route paths and the parameters each accepts. */
const ROUTES: Array<[string, string[]]> = [
  ['/clusters', []],
  ['/clusters/dev', []],
  ['/clusters/dev/coder', []],
  ['/clusters/dev/workspaces', ['q', 'limit', 'offset']],
  [
    '/clusters/dev/keycloak/users',
    ['search', 'first', 'max', 'enabled', 'emailVerified'],
  ],
  ['/clusters/dev/keycloak/users/u-1/groups', []],
  ['/clusters/dev/keycloak/summary', []],
  ['/clusters/dev/backups/postgres', []],
  ['/clusters/dev/backups/workspaces', []],
  ['/clusters/dev/releases', []],
  ['/clusters/bare/workspaces', ['q', 'limit', 'offset']],
];

const value = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1',
    '100',
    '101',
    '99999999999999999999',
    '1e3',
    '0x10',
    'true',
    'false',
    'TRUE',
    'yes',
    'owner:alice',
    '%00',
    '\u0000',
    '\u2028',
    'ünïcödé',
    '名前',
    '😀',
  ),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ minLength: 150, maxLength: 5_000 }),
  fc.integer().map(String),
);

describe('every route’s query parameters (property-based)', () => {
  let coder: CoderContractServer;
  let server: any;

  beforeAll(async () => {
    coder = await CoderContractServer.start();
    const token = coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'x-password-1',
    });
    coder.addWorkspace({ owner_name: 'alice', name: 'dev' });
    ({ server } = await startTestBackend({
      features: [
        coderPlatformPlugin,
        mockServices.rootConfig.factory({
          data: {
            coderPlatform: {
              refresh: { enabled: false },
              upstreams: { coder: { timeoutSeconds: 5 } },
              clusters: [
                { name: 'dev', coder: { url: coder.url, token } },
                { name: 'bare' },
              ],
            },
          },
        }),
      ],
    }));
  });
  afterAll(async () => {
    await coder?.stop().catch(() => {});
  });

  const seen = new Map<number, number>();
  const check = async (path: string, query: string, names: string[]) => {
    const res = await request(server).get(
      `/api/coder-platform${path}${query ? `?${query}` : ''}`,
    );
    seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
    expect([200, 400, 404]).toContain(res.status);
    if (res.status === 400) {
      const message = String(res.body?.error?.message ?? '');
      expect(
        names.some(n => message.includes(`"${n}"`)) ||
          // a name qs turned into something else (a[b] → a) is named as parsed
          /Query parameter|query parameter/.test(message),
      ).toBe(true);
    }
  };

  it('any parameters, repeated or unknown, answer 200, 404 or a 400 naming one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.array(
          fc.tuple(
            fc.oneof(
              fc.constantFrom('q', 'limit', 'offset', 'search', 'first'),
              fc.constantFrom('max', 'enabled', 'emailVerified', 'unknown'),
              fc.string({ minLength: 1, maxLength: 12 }),
            ),
            value,
          ),
          { maxLength: 5 },
        ),
        async ([path, accepted], pairs) => {
          const query = new URLSearchParams(pairs).toString();
          await check(path, query, [...pairs.map(([k]) => k), ...accepted]);
        },
      ),
      {
        numRuns: RUNS,
        // Always run, before the generated cases: a valid page, a valid
        // filtered page, refusals (bad number, unknown name, repeated
        // parameter) and unknown ids / unconfigured upstreams (404), so the
        // answers counted below do not depend on what the seed draws.
        examples: [
          [ROUTES[0], []],
          [ROUTES[3], [['limit', '10']]],
          [ROUTES[3], [['limit', 'abc']]],
          [ROUTES[3], [['unknown', '1']]],
          [
            ROUTES[3],
            [
              ['limit', '1'],
              ['limit', '2'],
            ],
          ],
          [ROUTES[4], [['max', '-1']]],
          [ROUTES[5], []],
          [ROUTES[10], []],
        ],
      },
    );
    // The generators reach every answer: valid pages, refusals, unknown routes.
    expect(seen.get(200)).toBeGreaterThan(0);
    expect(seen.get(400)).toBeGreaterThan(0);
    expect(seen.get(404)).toBeGreaterThan(0);
  });

  it('raw query strings (bracket syntax, broken percent-encoding) never give a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.oneof(
          fc.constantFrom(
            'limit[]=1',
            'limit[a]=1',
            'q[0]=a&q[1]=b',
            'limit=%zz',
            'q=%',
            'q=%E0%A4%A',
            '=',
            '&&&',
            'limit=1&limit=2',
            '__proto__=1',
            'constructor[prototype][x]=1',
          ),
          fc
            .string({ unit: 'binary-ascii', maxLength: 60 })
            .map(s => s.replace(/[#\s]/g, '')),
        ),
        async ([path], raw) => {
          const res = await request(server).get(
            `/api/coder-platform${path}?${raw}`,
          );
          expect([200, 400, 404]).toContain(res.status);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
