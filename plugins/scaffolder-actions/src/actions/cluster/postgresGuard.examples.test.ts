import { ConfigReader } from '@backstage/config';
import { InMemoryBucket, walgLayout } from '@coder-platform/testing';
import type { Bucket } from '@google-cloud/storage';
import { createPostgresGuardAction } from './postgresGuard';
import { examples } from './postgresGuard.examples';
import { mockContext } from './__testUtils__/context';
import { renderExampleInputs } from './__testUtils__/examples';
import { fakeKubeConfig, startFakeKube } from './__testUtils__/fakeKube';

describe('coder-platform:postgres:guard examples', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s" (a bucket without backups, then one with)',
    async (_description, example) => {
      const kube = await startFakeKube();
      try {
        const empty = new InMemoryBucket();
        const seeded = new InMemoryBucket();
        for (const o of walgLayout({
          prefix: 'spilo/dev/main-postgres-db/main/wal/14',
          now: new Date('2026-07-05T00:00:00Z'),
          days: 4,
          walSegments: 20,
        }).objects) {
          seeded.put(o.name, o.contents, '2026-07-01T00:00:00Z');
        }
        const [input] = renderExampleInputs(
          'coder-platform:postgres:guard',
          example,
        );
        const runWith = async (bucket: InMemoryBucket) => {
          const action = createPostgresGuardAction({
            config: new ConfigReader(fakeKubeConfig(kube.url)),
            gcsBucket: () => bucket as unknown as Bucket,
          });
          const ctx = mockContext(input);
          await action.handler(ctx);
          return Object.fromEntries(ctx.output.mock.calls);
        };
        await expect(runWith(empty)).resolves.toMatchObject({
          clone: false,
          env: [],
        });
        const settled = await runWith(seeded).then(
          out => `clone=${out.clone}`,
          (error: Error) => error.message,
        );
        expect(settled).toMatch(
          input.clone?.enabled
            ? /^clone=true$/
            : /refusing to create main-postgres-db/,
        );
        expect(kube.writes()).toEqual([]);
      } finally {
        await kube.stop();
      }
    },
  );
});
