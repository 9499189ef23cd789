import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GcpActionOptions } from './gcpClients';
import { startGcpRun } from './gcpRun';
import { examples } from './gcpServicesEnable.examples';
import { commonInput, schemaOf } from './inputProperties';
import { commonOutput } from './outputProperties';

export const SERVICES_ENABLE_ACTION_ID = 'gcp:services:enable';

/** The seed's APIs plus the ones the other gcp:* actions call. */
export const DEFAULT_SERVICES = [
  'compute.googleapis.com',
  'container.googleapis.com',
  'dns.googleapis.com',
  'secretmanager.googleapis.com',
  'iam.googleapis.com',
  'cloudresourcemanager.googleapis.com',
  'storage.googleapis.com',
];

type Input = { projectId?: string; services: string[] };

const inputSchema = schemaOf((z: any) =>
  z.object({
    ...commonInput(z),
    services: z
      .array(
        z
          .string()
          .regex(
            /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/,
            'must be a service name such as compute.googleapis.com (or just compute)',
          )
          .describe('Service name; a bare name gets .googleapis.com appended.'),
      )
      .min(1)
      .default(DEFAULT_SERVICES)
      .describe(
        'APIs to enable. Services already enabled are left alone; nothing is ever disabled.',
      ),
  }),
);

const chunks = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );

/** Creates the `gcp:services:enable` action. */
export function createGcpServicesEnableAction(options: GcpActionOptions) {
  return createTemplateAction({
    id: SERVICES_ENABLE_ACTION_ID,
    description:
      'Enables Google Cloud APIs in a project (Service Usage API), waiting until they are enabled. Never disables anything.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: (z: any) =>
        z.object({
          ...commonOutput(z),
          services: z
            .array(z.string())
            .describe('All requested services (enabled after a real run).'),
          newlyEnabled: z
            .array(z.string())
            .describe(
              'Services this run enabled (or would enable, in a dry run).',
            ),
        }),
    },
    async handler(ctx) {
      const { input, clients, projectId, run } = startGcpRun<Input>(
        ctx,
        options,
        {
          id: SERVICES_ENABLE_ACTION_ID,
          inputSchema,
          api: 'serviceusage.googleapis.com',
        },
      );
      const services = [
        ...new Set(
          input.services.map(s =>
            s.includes('.') ? s : `${s}.googleapis.com`,
          ),
        ),
      ];
      const parent = `projects/${projectId}`;
      const client = clients.serviceUsage();
      try {
        const states = new Map<string, string>();
        for (const batch of chunks(services, 30)) {
          const [response] = await run.read(
            `read state of ${batch.join(', ')}`,
            () =>
              client.batchGetServices({
                parent,
                names: batch.map(s => `${parent}/services/${s}`),
              }),
          );
          for (const service of response.services ?? []) {
            states.set(
              String(
                service.config?.name ?? String(service.name).split('/').pop(),
              ),
              String(service.state),
            );
          }
        }
        const missing = services.filter(s => states.get(s) !== 'ENABLED');
        for (const s of services)
          run.plan(
            `service ${s}`,
            missing.includes(s) ? { kind: 'create' } : { kind: 'none' },
          );
        if (missing.length && !run.dryRun) {
          // Checkpoint keys name the services of each batch (sorted), not the
          // batch's position: a resumed run computes `missing` again, and a
          // key by index would replay an earlier batch's operation for other
          // services, skipping them.
          for (const batch of chunks([...missing].sort(), 20)) {
            const what = `enable ${batch.join(', ')}`;
            const operation = await run.mutate(
              `${SERVICES_ENABLE_ACTION_ID}:${parent}:enable:${batch.join(
                ',',
              )}`,
              what,
              async () => {
                const [op] = await client.batchEnableServices({
                  parent,
                  serviceIds: batch,
                });
                return String(op.name);
              },
            );
            await run.waitFor(what, async () => {
              const [op] = await client.operationsClient.getOperation({
                name: operation,
              } as Parameters<typeof client.operationsClient.getOperation>[0]);
              return { done: !!op.done, error: op.error?.message || undefined };
            });
          }
        }
        ctx.output('projectId', projectId);
        ctx.output('services', services);
        ctx.output('newlyEnabled', missing);
        ctx.output('changed', run.changes.length > 0);
      } finally {
        await clients.close();
      }
    },
  });
}
