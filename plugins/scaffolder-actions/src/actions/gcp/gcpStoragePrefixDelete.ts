import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GcpActionOptions } from './gcpClients';
import { GcpRun, startGcpRun } from './gcpRun';
import { examples } from './gcpStoragePrefixDelete.examples';
import { bucketName, commonInput, schemaOf } from './inputProperties';
import { commonOutput } from './outputProperties';

export const STORAGE_PREFIX_DELETE_ACTION_ID = 'gcp:storage:prefix-delete';

type Input = {
  projectId?: string;
  bucket: string;
  prefix: string;
  pageSize: number;
  concurrency: number;
};

/** A folder-like prefix: never empty, never the bucket root, never a pattern. */
const PREFIX =
  // eslint-disable-next-line no-control-regex
  /^(?!\/)(?!.*(?:^|\/)\.{1,2}(?:\/|$))(?!.*\/\/)[^\s*?[\]#\u0000-\u001f\u007f]{1,1023}$/u;

const inputSchema = schemaOf((z: any) =>
  z.object({
    ...commonInput(z),
    bucket: bucketName(z, 'Bucket holding the objects.'),
    prefix: z
      .string()
      .regex(
        PREFIX,
        'must be a folder-like prefix such as spilo/dev-cluster: not empty, not /, no leading /, no //, . or .. segments, wildcards or control characters',
      )
      .transform((p: string) => (p.endsWith('/') ? p : `${p}/`))
      .describe(
        'Object prefix to delete, as a folder: spilo/dev-cluster deletes spilo/dev-cluster/** (a trailing / is added), never spilo/dev-cluster2/. The whole bucket cannot be named.',
      ),
    pageSize: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(1000)
      .describe('Objects listed per page (the API allows at most 1000).'),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(32)
      .default(8)
      .describe('Deletions in flight at once.'),
  }),
);

type Page = { names: string[]; next?: string };

async function listPage(
  run: GcpRun,
  bucket: ReturnType<ReturnType<GcpRun['clients']['storage']>['bucket']>,
  input: Input,
  pageToken: string | undefined,
): Promise<Page> {
  const [files, nextQuery] = (await run.read(
    `list gs://${input.bucket}/${input.prefix}`,
    () =>
      bucket.getFiles({
        prefix: input.prefix,
        maxResults: input.pageSize,
        autoPaginate: false,
        ...(pageToken ? { pageToken } : {}),
      }),
  )) as unknown as [Array<{ name: string }>, { pageToken?: string } | null];
  return {
    names: files.map(f => f.name),
    next: nextQuery?.pageToken ?? undefined,
  };
}

/** Runs `fn` on every item, at most `limit` at once. */
async function inParallel<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
}

/** Creates the `gcp:storage:prefix-delete` action. */
export function createGcpStoragePrefixDeleteAction(options: GcpActionOptions) {
  return createTemplateAction({
    id: STORAGE_PREFIX_DELETE_ACTION_ID,
    description:
      "Deletes every object under a prefix of a bucket (e.g. a torn-down cluster's backups spilo/<cluster>), page by page; never the bucket itself or its root. Re-runs are no-ops; a dry run counts what would go.",
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: (z: any) =>
        z.object({
          ...commonOutput(z),
          bucket: z.string().describe('Bucket name.'),
          prefix: z
            .string()
            .describe('The prefix deleted, with its trailing /.'),
          url: z.string().describe('gs://<bucket>/<prefix>.'),
          objects: z
            .number()
            .describe(
              'Objects deleted by this run (in a dry run: objects that would be deleted).',
            ),
        }),
    },
    async handler(ctx) {
      const { input, clients, projectId, run } = startGcpRun<Input>(
        ctx,
        options,
        {
          id: STORAGE_PREFIX_DELETE_ACTION_ID,
          inputSchema,
          api: 'storage.googleapis.com',
        },
      );
      const url = `gs://${input.bucket}/${input.prefix}`;
      const bucket = clients.storage(projectId).bucket(input.bucket);
      try {
        const exists = await run.readOptional(
          `get bucket ${input.bucket}`,
          async () => (await bucket.getMetadata())[0],
        );
        if (!exists) {
          if (!run.dryRun)
            throw new InputError(
              `bucket: bucket ${input.bucket} does not exist (or these credentials cannot see it); nothing under ${url} to delete`,
            );
          run.logger.warn(`[dry run] bucket ${input.bucket} does not exist`);
        }
        let count = 0;
        if (run.dryRun || !exists) {
          let token: string | undefined;
          do {
            if (!exists) break;
            const page = await listPage(run, bucket, input, token);
            count += page.names.length;
            token = page.next;
          } while (token);
          run.plan(url, count ? { kind: 'delete' } : { kind: 'absent' });
          if (count)
            run.logger.info(
              `[dry run] would delete ${count} object(s) under ${url}`,
            );
        } else {
          // Always list from the start: deleting shifts the pages, and every
          // listed object is gone (or going) before the next page is read.
          let page = await listPage(run, bucket, input, undefined);
          run.plan(
            url,
            page.names.length ? { kind: 'delete' } : { kind: 'absent' },
          );
          if (page.names.length) {
            count = (await run.mutate(
              `${STORAGE_PREFIX_DELETE_ACTION_ID}:${url}`,
              `delete every object under ${url}`,
              async () => {
                let deleted = 0;
                for (let round = 1; page.names.length; round++) {
                  await inParallel(page.names, input.concurrency, name =>
                    run.retry(
                      `delete gs://${input.bucket}/${name}`,
                      async () => {
                        await bucket
                          .file(name)
                          .delete({ ignoreNotFound: true });
                      },
                    ),
                  );
                  deleted += page.names.length;
                  if (round % 10 === 0)
                    run.logger.info(
                      `${url}: ${deleted} object(s) deleted so far`,
                    );
                  const gone = new Set(page.names);
                  page = await listPage(run, bucket, input, undefined);
                  const back = page.names.find(n => gone.has(n));
                  if (back)
                    throw new Error(
                      `gs://${input.bucket}/${back} is listed again after its deletion (a retention policy or object hold?); stopped after ${deleted} deletion(s)`,
                    );
                }
                return deleted;
              },
              // Each deletion is retried (and bounded in time) on its own.
              { retry: false, deadline: false },
            )) as number;
            run.logger.info(`${url}: deleted ${count} object(s)`);
          }
        }
        ctx.output('projectId', projectId);
        ctx.output('bucket', input.bucket);
        ctx.output('prefix', input.prefix);
        ctx.output('url', url);
        ctx.output('objects', count);
        ctx.output('changed', run.changes.length > 0);
      } finally {
        await clients.close();
      }
    },
  });
}
