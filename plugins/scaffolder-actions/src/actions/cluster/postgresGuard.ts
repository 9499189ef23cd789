import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { WalgBackups } from '@coder-platform/plugin-coder-platform-node';
import {
  ClusterActionsOptions,
  plannedCluster,
  resolveCluster,
} from './clusterAccess';
import { clusterInput, namespaceName } from './inputProperties';
import { ObjectApi } from './kubernetes';
import { examples } from './postgresGuard.examples';

interface SpiloScope {
  bucket: string;
  scopePrefix: string;
  scope: string;
  scopeSuffix: string;
}

/**
 * Where Spilo keeps wal-g backups (`configure_spilo.py`, write_wale_environment):
 * `spilo/{WAL_BUCKET_SCOPE_PREFIX}{SCOPE}{WAL_BUCKET_SCOPE_SUFFIX}/wal/{PGVERSION}`.
 */
export function spiloWalgPrefix(
  scope: Omit<SpiloScope, 'bucket'>,
  pgVersion: number,
): string {
  return `spilo/${scope.scopePrefix}${scope.scope}${scope.scopeSuffix}/wal/${pgVersion}`.replace(
    /\/{2,}/g,
    '/',
  );
}

/** Storage client settings for the actions: app-config, else ADC against GCS. */
function gcsSettings(options: ClusterActionsOptions) {
  return {
    apiEndpoint: options.config.getOptionalString(
      'coderPlatform.clusterActions.gcs.apiEndpoint',
    ),
    projectId: options.config.getOptionalString(
      'coderPlatform.clusterActions.gcs.projectId',
    ),
  };
}

/**
 * `coder-platform:postgres:guard`: refuses to create a Zalando `postgresql`
 * database whose wal-g backup prefix in GCS already holds base backups,
 * unless the request clones from exactly those backups; outputs the
 * `CLONE_*` environment for the resource. It only reads.
 */
export function createPostgresGuardAction(options: ClusterActionsOptions) {
  return createTemplateAction({
    id: 'coder-platform:postgres:guard',
    description:
      'Refuses to create a Postgres database over existing wal-g backups in GCS unless it clones from them, and outputs the CLONE_* environment (optionally point-in-time) for the Zalando postgresql resource.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        bucket: z =>
          z
            .string()
            .min(3)
            .describe('GCS bucket of the backups (WAL_GS_BUCKET)'),
        scopePrefix: z =>
          z
            .string()
            .describe(
              'WAL_BUCKET_SCOPE_PREFIX, e.g. "dev/" (the cluster name and a slash)',
            ),
        scope: z =>
          z
            .string()
            .describe(
              'Name of the postgresql resource (SCOPE), e.g. main-postgres-db',
            ),
        scopeSuffix: z =>
          z
            .string()
            .optional()
            .describe('WAL_BUCKET_SCOPE_SUFFIX; default "/main"'),
        pgVersion: z =>
          z
            .number()
            .int()
            .min(9)
            .describe('Postgres major version, e.g. 14 (part of the prefix)'),
        clone: z =>
          z
            .object({
              enabled: z
                .boolean()
                .describe('Restore the new database from existing backups'),
              bucket: z
                .string()
                .optional()
                .describe('Bucket to clone from; default bucket'),
              scopePrefix: z
                .string()
                .optional()
                .describe('Scope prefix to clone from; default scopePrefix'),
              scope: z
                .string()
                .optional()
                .describe('Scope to clone from; default scope'),
              scopeSuffix: z
                .string()
                .optional()
                .describe('Scope suffix to clone from; default scopeSuffix'),
              targetTime: z
                .string()
                .optional()
                .describe(
                  'Point in time to recover to, ISO 8601 with offset (e.g. 2026-07-03T23:00:00+02:00); default the latest state',
                ),
            })
            .optional()
            .describe('Clone settings; without them the database starts empty'),
        credentialsPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Path of the GCS key inside the database pods; default /etc/google-credentials/google-cloud.json',
            ),
        cluster: z =>
          clusterInput(z)
            .optional()
            .describe(
              'Cluster to check whether the postgresql resource already exists',
            ),
        postgresql: z =>
          z
            .object({
              name: z.string().describe('Name of the postgresql resource'),
              namespace: namespaceName(z).describe('Its namespace'),
            })
            .optional()
            .describe(
              'The postgresql resource; when it already exists the guard allows the run (it is not a new database)',
            ),
      },
      output: {
        clone: z =>
          z
            .boolean()
            .describe('Whether the database will be cloned from backups'),
        backupPrefix: z =>
          z
            .string()
            .describe('gs:// path of the wal-g backups of the new database'),
        backupsFound: z =>
          z.number().describe('Base backups found at the backup prefix'),
        newestBackup: z =>
          z
            .string()
            .optional()
            .describe('Name of the newest base backup found'),
        env: z =>
          z
            .array(
              z.object({
                name: z.string().describe('Variable'),
                value: z.string().describe('Value'),
              }),
            )
            .describe(
              'CLONE_* environment for spec.env of the postgresql resource (empty without clone)',
            ),
      },
    },
    async handler(ctx) {
      const { input, logger, signal } = ctx;
      // Refuse an untrusted cluster before any credential is used.
      const cluster =
        input.cluster !== undefined
          ? resolveCluster(input.cluster, options)
          : undefined;
      const target: SpiloScope = {
        bucket: input.bucket,
        scopePrefix: input.scopePrefix,
        scope: input.scope,
        scopeSuffix: input.scopeSuffix ?? '/main',
      };
      const source: SpiloScope = {
        bucket: input.clone?.bucket ?? target.bucket,
        scopePrefix: input.clone?.scopePrefix ?? target.scopePrefix,
        scope: input.clone?.scope ?? target.scope,
        scopeSuffix: input.clone?.scopeSuffix ?? target.scopeSuffix,
      };
      let targetTime: Date | undefined;
      if (input.clone?.targetTime) {
        if (
          !/(Z|[+-]\d\d:\d\d)$/.test(input.clone.targetTime) ||
          isNaN(Date.parse(input.clone.targetTime))
        ) {
          throw new InputError(
            `clone.targetTime "${input.clone.targetTime}" must be ISO 8601 with an offset, e.g. 2026-07-03T23:00:00+02:00`,
          );
        }
        targetTime = new Date(input.clone.targetTime);
      }

      const targetPrefix = spiloWalgPrefix(target, input.pgVersion);
      const sourcePrefix = spiloWalgPrefix(source, input.pgVersion);
      const where = (scope: SpiloScope, prefix: string) =>
        `gs://${scope.bucket}/${prefix}`;
      const settings = gcsSettings(options);
      const list = async (scope: SpiloScope, prefix: string) => {
        signal?.throwIfAborted();
        try {
          const walg = options.gcsBucket
            ? new WalgBackups({ bucket: options.gcsBucket(scope.bucket) })
            : new WalgBackups({ bucketName: scope.bucket, ...settings });
          const sentinels = await walg.listSentinels(prefix);
          return sentinels.sort((a, b) => a.updated.localeCompare(b.updated));
        } catch (error) {
          throw new Error(
            `coder-platform:postgres:guard: listing backups at ${where(
              scope,
              prefix,
            )} failed: ${(error as Error).message}`,
          );
        }
      };

      let databaseExists = false;
      if (input.postgresql) {
        if (!cluster) {
          throw new InputError(
            'coder-platform:postgres:guard: cluster is required with postgresql',
          );
        }
        const planned = await plannedCluster(
          ctx,
          cluster,
          `check the backups at ${where(
            target,
            targetPrefix,
          )} before postgresql ${input.postgresql.namespace}/${
            input.postgresql.name
          }`,
        );
        // A planned cluster has no database yet; the backups still decide.
        if (!planned) {
          const api = ObjectApi.create(await cluster.kubeConfig());
          const existing = await api
            .readOptional({
              apiVersion: 'acid.zalan.do/v1',
              kind: 'postgresql',
              metadata: input.postgresql,
            })
            .catch(error => {
              // No CRD yet means no database yet.
              if (/no resource|resource metadata/i.test(String(error)))
                return undefined;
              throw error;
            });
          databaseExists = Boolean(existing);
        }
      }

      const targetBackups = await list(target, targetPrefix);
      const sameSource =
        target.bucket === source.bucket && targetPrefix === sourcePrefix;
      const sourceBackups = sameSource
        ? targetBackups
        : await list(source, sourcePrefix);
      const cloneWanted = input.clone?.enabled ?? false;
      const clone = cloneWanted && sourceBackups.length > 0;

      if (
        !databaseExists &&
        targetBackups.length > 0 &&
        !(clone && sameSource)
      ) {
        throw new Error(
          `coder-platform:postgres:guard: refusing to create ${
            input.scope
          } over ${targetBackups.length} existing wal-g backup(s) at ${where(
            target,
            targetPrefix,
          )} (newest ${
            targetBackups[targetBackups.length - 1].name
          }): a new database would overwrite them. Set clone.enabled: true to restore from them${
            cloneWanted && !sameSource
              ? ' (cloning from another prefix would still overwrite these)'
              : ''
          }, or remove the backups first`,
        );
      }
      if (cloneWanted && sourceBackups.length === 0) {
        logger.warn(
          `no wal-g backups at ${where(
            source,
            sourcePrefix,
          )}; the database starts empty`,
        );
      }
      if (clone && targetTime) {
        const before = sourceBackups.filter(
          b => new Date(b.updated) <= targetTime!,
        );
        if (before.length === 0) {
          throw new InputError(
            `clone.targetTime ${
              input.clone!.targetTime
            } is before the oldest base backup at ${where(
              source,
              sourcePrefix,
            )} (${sourceBackups[0].name}, ${sourceBackups[0].updated})`,
          );
        }
      }

      const env = clone
        ? [
            { name: 'USE_WALG_RESTORE', value: 'true' },
            { name: 'CLONE_METHOD', value: 'CLONE_WITH_WALE' },
            {
              name: 'CLONE_GOOGLE_APPLICATION_CREDENTIALS',
              value:
                input.credentialsPath ??
                '/etc/google-credentials/google-cloud.json',
            },
            { name: 'CLONE_WAL_GS_BUCKET', value: source.bucket },
            { name: 'CLONE_USE_WALG_RESTORE', value: 'true' },
            {
              name: 'CLONE_WAL_BUCKET_SCOPE_PREFIX',
              value: source.scopePrefix,
            },
            {
              name: 'CLONE_WAL_BUCKET_SCOPE_SUFFIX',
              value: source.scopeSuffix,
            },
            { name: 'CLONE_SCOPE', value: source.scope },
            ...(input.clone?.targetTime
              ? [{ name: 'CLONE_TARGET_TIME', value: input.clone.targetTime }]
              : []),
          ]
        : [];
      const newest = targetBackups[targetBackups.length - 1]?.name;
      logger.info(
        `${databaseExists ? `postgresql ${input.scope} exists; ` : ''}${
          targetBackups.length
        } backup(s) at ${where(target, targetPrefix)}; ${
          clone
            ? `cloning from ${where(source, sourcePrefix)}${
                input.clone?.targetTime ? ` to ${input.clone.targetTime}` : ''
              }`
            : 'no clone'
        }`,
      );
      ctx.output('clone', clone);
      ctx.output('backupPrefix', where(target, targetPrefix));
      ctx.output('backupsFound', targetBackups.length);
      if (newest) ctx.output('newestBackup', newest);
      ctx.output('env', env);
    },
  });
}
