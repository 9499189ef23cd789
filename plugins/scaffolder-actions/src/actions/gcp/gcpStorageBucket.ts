import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GcpActionOptions } from './gcpClients';
import { startGcpRun } from './gcpRun';
import { Code, googleErrorInfo } from './retry';
import { examples } from './gcpStorageBucket.examples';
import {
  bucketName,
  commonInput,
  labelsInput,
  schemaOf,
  stateInput,
} from './inputProperties';
import { commonOutput } from './outputProperties';

export const STORAGE_BUCKET_ACTION_ID = 'gcp:storage:bucket';

type LifecycleRule = {
  action: { type: 'Delete' | 'SetStorageClass'; storageClass?: string };
  condition: {
    age?: number;
    numNewerVersions?: number;
    isLive?: boolean;
    daysSinceNoncurrentTime?: number;
    matchesPrefix?: string[];
  };
};

type Input = {
  projectId?: string;
  name: string;
  location: string;
  storageClass: string;
  uniformBucketLevelAccess: boolean;
  publicAccessPrevention: 'enforced' | 'inherited';
  versioning: boolean;
  lifecycleRules: LifecycleRule[];
  labels?: Record<string, string>;
  state: 'present' | 'absent';
  deleteContents: boolean;
};

const inputSchema = schemaOf((z: any) =>
  z.object({
    ...commonInput(z),
    name: bucketName(z, 'Bucket name (globally unique).'),
    location: z
      .string()
      .regex(/^[a-zA-Z0-9-]+$/, 'must be a location such as europe-west3 or EU')
      .default('europe-west3')
      .describe('Bucket location (cannot change after creation).'),
    storageClass: z
      .enum(['STANDARD', 'NEARLINE', 'COLDLINE', 'ARCHIVE'])
      .default('STANDARD')
      .describe('Default storage class.'),
    uniformBucketLevelAccess: z
      .boolean()
      .default(true)
      .describe('IAM only, no object ACLs.'),
    publicAccessPrevention: z
      .enum(['enforced', 'inherited'])
      .default('enforced')
      .describe('Block public access to the bucket.'),
    versioning: z
      .boolean()
      .default(true)
      .describe(
        'Keep noncurrent object versions (protects backups from overwrites).',
      ),
    lifecycleRules: z
      .array(
        z.object({
          action: z
            .object({
              type: z
                .enum(['Delete', 'SetStorageClass'])
                .describe('What to do with matching objects.'),
              storageClass: z
                .string()
                .optional()
                .describe('Target class for SetStorageClass.'),
            })
            .describe('Rule action.'),
          condition: z
            .object({
              age: z
                .number()
                .int()
                .min(0)
                .optional()
                .describe('Days since creation.'),
              numNewerVersions: z
                .number()
                .int()
                .min(0)
                .optional()
                .describe('Newer versions that exist.'),
              isLive: z
                .boolean()
                .optional()
                .describe('Live (true) or noncurrent (false) versions.'),
              daysSinceNoncurrentTime: z
                .number()
                .int()
                .min(0)
                .optional()
                .describe('Days since the version became noncurrent.'),
              matchesPrefix: z
                .array(z.string())
                .optional()
                .describe('Object name prefixes.'),
            })
            .describe('Rule condition.'),
        }),
      )
      .default([
        {
          action: { type: 'Delete' },
          condition: { daysSinceNoncurrentTime: 30 },
        },
      ])
      .describe(
        'Lifecycle rules; by default noncurrent versions are deleted 30 days after they were replaced.',
      ),
    labels: labelsInput(z),
    state: stateInput(z, 'bucket'),
    deleteContents: z
      .boolean()
      .default(false)
      .describe(
        'With state: absent, also delete every object (e.g. Postgres and restic backups). Without it, a non-empty bucket is never deleted.',
      ),
  }),
);

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort())
      : v,
  );

/** Creates the `gcp:storage:bucket` action. */
export function createGcpStorageBucketAction(options: GcpActionOptions) {
  return createTemplateAction({
    id: STORAGE_BUCKET_ACTION_ID,
    description:
      'Creates or updates a Cloud Storage bucket (location, uniform bucket-level access, public access prevention, versioning, lifecycle, labels). With state: absent, deletes it only when empty unless deleteContents is true.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: (z: any) =>
        z.object({
          ...commonOutput(z),
          name: z.string().describe('Bucket name.'),
          url: z.string().describe('gs:// URL of the bucket.'),
          location: z
            .string()
            .optional()
            .describe('Location reported by the API.'),
        }),
    },
    async handler(ctx) {
      const { input, clients, projectId, run } = startGcpRun<Input>(
        ctx,
        options,
        {
          id: STORAGE_BUCKET_ACTION_ID,
          inputSchema,
          api: 'storage.googleapis.com',
        },
      );
      const storage = clients.storage(projectId);
      const bucket = storage.bucket(input.name);
      const resource = `bucket gs://${input.name}`;
      const keyBase = `${STORAGE_BUCKET_ACTION_ID}:${input.name}`;

      let metadata: any;
      try {
        metadata = await run.readOptional(
          `get ${resource}`,
          async () => (await bucket.getMetadata())[0],
        );
      } catch (error) {
        // Bucket names are global: a 403 on a bucket we cannot read usually
        // means another project owns the name.
        if (error instanceof Error && error.name === 'NotAllowedError') {
          throw new InputError(
            `name: bucket ${input.name} exists but these credentials cannot read it; it probably belongs to another project (bucket names are global). Choose another name, or grant storage.buckets.get. ${error.message}`,
          );
        }
        throw error;
      }
      const desired = {
        storageClass: input.storageClass,
        iamConfiguration: {
          uniformBucketLevelAccess: { enabled: input.uniformBucketLevelAccess },
          publicAccessPrevention: input.publicAccessPrevention,
        },
        versioning: { enabled: input.versioning },
        lifecycle: { rule: input.lifecycleRules },
        ...(input.labels ? { labels: input.labels } : {}),
      };

      if (input.state === 'absent') {
        if (!metadata) {
          run.plan(resource, { kind: 'absent' });
        } else {
          const [files] = await run.read(`list objects in ${resource}`, () =>
            bucket.getFiles({
              maxResults: 5,
              versions: true,
              autoPaginate: false,
            }),
          );
          if (files.length && !input.deleteContents) {
            throw new InputError(
              `deleteContents: ${resource} is not empty (e.g. ${files
                .slice(0, 3)
                .map(f => f.name)
                .join(
                  ', ',
                )}); it may hold backups. Set deleteContents: true to delete them with the bucket`,
            );
          }
          run.plan(resource, { kind: 'delete' });
          if (!run.dryRun) {
            if (files.length) {
              await run.mutate(
                `${keyBase}:delete-contents`,
                `delete every object in ${resource}`,
                async () => {
                  await bucket.deleteFiles({ versions: true, force: true });
                },
                // Many calls (list and delete every object): not one budget.
                { deadline: false },
              );
            }
            await run.mutate(
              `${keyBase}:delete`,
              `delete ${resource}`,
              async () => {
                await bucket.delete();
              },
            );
          }
        }
      } else if (!metadata) {
        run.plan(resource, { kind: 'create' });
        if (!run.dryRun) {
          metadata = await run.mutate(
            `${keyBase}:create`,
            `create ${resource} in ${input.location}`,
            async () => {
              try {
                const [, response] = await storage.createBucket(input.name, {
                  location: input.location.toUpperCase(),
                  ...desired,
                } as any);
                return response as any;
              } catch (error) {
                if (googleErrorInfo(error).code === Code.ALREADY_EXISTS) {
                  throw new InputError(
                    `name: the bucket name ${input.name} is taken (bucket names are global; it belongs to another project). Choose another name`,
                  );
                }
                throw error;
              }
            },
          );
        }
      } else {
        if (
          String(metadata.location ?? '').toUpperCase() !==
          input.location.toUpperCase()
        ) {
          run.logger.warn(
            `${resource} is in ${metadata.location}, not ${input.location}; a bucket's location cannot change, so it stays there`,
          );
        }
        const current = {
          storageClass: metadata.storageClass ?? 'STANDARD',
          iamConfiguration: {
            uniformBucketLevelAccess: {
              enabled:
                !!metadata.iamConfiguration?.uniformBucketLevelAccess?.enabled,
            },
            publicAccessPrevention:
              metadata.iamConfiguration?.publicAccessPrevention ?? 'inherited',
          },
          versioning: { enabled: !!metadata.versioning?.enabled },
          lifecycle: { rule: metadata.lifecycle?.rule ?? [] },
          ...(input.labels ? { labels: metadata.labels ?? {} } : {}),
        };
        const fields = Object.keys(desired).filter(
          k =>
            canonical((current as any)[k]) !== canonical((desired as any)[k]),
        );
        run.plan(
          resource,
          fields.length ? { kind: 'update', fields } : { kind: 'none' },
        );
        if (fields.length && !run.dryRun) {
          const patch = Object.fromEntries(
            fields.map(k => [k, (desired as any)[k]]),
          );
          metadata = await run.mutate(
            `${keyBase}:update`,
            `update ${resource}: ${fields.join(', ')}`,
            async () => {
              const [response] = await bucket.setMetadata(patch);
              return response as any;
            },
          );
        }
      }
      ctx.output('projectId', projectId);
      ctx.output('name', input.name);
      ctx.output('url', `gs://${input.name}`);
      if (metadata?.location && input.state === 'present')
        ctx.output('location', String(metadata.location));
      ctx.output('changed', run.changes.length > 0);
    },
  });
}
