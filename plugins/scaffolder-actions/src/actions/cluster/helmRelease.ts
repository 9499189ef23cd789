import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { readFile } from 'node:fs/promises';
import yaml from 'yaml';
import {
  ClusterActionsOptions,
  plannedCluster,
  resolveCluster,
} from './clusterAccess';
import {
  HelmReleaseMetadata,
  HelmRunner,
  isHelmApiServerFailure,
} from './helm';
import { examples } from './helmRelease.examples';
import { chartSource, readRepositoryMirrors } from './helmReleaseMirrors';
import { clusterInput, namespaceName } from './inputProperties';
import { digest, stableStringify, throwIfAborted } from './util';
import { leafStrings, mergeValues } from './values';

/** Helm binary from app-config, else `helm` on PATH. */
export function helmBinary(options: ClusterActionsOptions): string {
  return (
    options.config.getOptionalString(
      'coderPlatform.clusterActions.helm.binary',
    ) ?? 'helm'
  );
}

/** An exact semver version (optionally v-prefixed); ranges such as `^1.2` or `1.x` would upgrade on every run. */
export const EXACT_VERSION =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

function chartName(chart: string): string {
  return chart.startsWith('oci://')
    ? chart.replace(/\/+$/, '').split('/').pop()!
    : chart;
}

/**
 * `helm:release`: installs or upgrades a release with the real helm CLI
 * (`upgrade --install`), or uninstalls it with `state: absent`. Re-running
 * with the same chart version and values creates no new revision.
 */
export function createHelmReleaseAction(options: ClusterActionsOptions) {
  // Validated when the backend starts, naming the bad entry's config path.
  const mirrors = readRepositoryMirrors(options.config);
  return createTemplateAction({
    id: 'helm:release',
    description:
      'Installs, upgrades or uninstalls a Helm release with the helm CLI: pinned chart version from a repository URL or OCI reference, values object and files, secret values masked, wait/timeout/atomic. Unchanged chart and values create no new revision.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: clusterInput,
        name: z =>
          z
            .string()
            .regex(
              /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
              'must be a lowercase DNS label',
            )
            .max(53)
            .describe('Release name, e.g. cert-manager'),
        namespace: z =>
          namespaceName(z).describe(
            'Namespace of the release; created when missing',
          ),
        state: z =>
          z
            .enum(['present', 'absent'])
            .optional()
            .describe(
              'present installs or upgrades (default); absent uninstalls',
            ),
        chart: z =>
          z
            .string()
            .min(1)
            .optional()
            .describe(
              'Chart name in repoUrl (e.g. cert-manager) or an OCI reference (oci://registry/path/chart); required unless state is absent',
            ),
        repoUrl: z =>
          z
            .string()
            .url()
            .optional()
            .describe(
              'Chart repository URL, e.g. https://charts.jetstack.io (not for OCI charts); a mirror configured in coderPlatform.clusterActions.helm.repositoryMirrors serves it instead',
            ),
        version: z =>
          z
            .string()
            .regex(
              EXACT_VERSION,
              'must be an exact semver version, e.g. 1.17.4',
            )
            .optional()
            .describe(
              'Exact chart version to pin (semver, e.g. v1.17.4; no ranges); required unless state is absent',
            ),
        values: z =>
          z
            .record(z.string(), z.unknown())
            .optional()
            .describe('Values, merged over valuesFiles'),
        valuesFiles: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'YAML values files inside the task workspace, merged in order',
            ),
        secretValues: z =>
          z
            .record(z.string(), z.unknown())
            .optional()
            .describe(
              'Values merged last whose contents are secret (e.g. from ${{ secrets.* }}): masked in every log line and error',
            ),
        createNamespace: z =>
          z
            .boolean()
            .optional()
            .describe('Create the namespace when missing; default true'),
        wait: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Wait until the release resources are ready; default true',
            ),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .positive()
            .optional()
            .describe('Helm --timeout in seconds; default 300'),
        atomic: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Roll back (or uninstall a first install) when the upgrade fails: --atomic in helm 3, --rollback-on-failure in helm 4; default false',
            ),
      },
      output: {
        revision: z =>
          z.number().describe('Release revision after the run (0 when absent)'),
        status: z =>
          z
            .string()
            .describe(
              'Release status, e.g. deployed; "uninstalled" when absent (also the planned value in a dry run of a cluster not created yet, with revision 0)',
            ),
        chart: z =>
          z.string().optional().describe('Chart name of the deployed release'),
        chartVersion: z =>
          z
            .string()
            .optional()
            .describe('Chart version of the deployed release'),
        appVersion: z =>
          z.string().optional().describe('App version of the deployed chart'),
        changed: z =>
          z
            .boolean()
            .describe('Whether this run created a revision or uninstalled'),
      },
    },
    async handler(ctx) {
      const { input, logger, signal } = ctx;
      const state = input.state ?? 'present';
      const where = `release ${input.namespace}/${input.name}`;
      if (state === 'present') {
        if (!input.chart)
          throw new InputError('helm:release: chart is required');
        if (!input.version) {
          throw new InputError(
            'helm:release: version is required (pin the chart version)',
          );
        }
        if (!EXACT_VERSION.test(input.version)) {
          throw new InputError(
            `helm:release: version "${input.version}" is not an exact semver version (e.g. 1.17.4 or v1.17.4); ranges would upgrade the release on every run`,
          );
        }
        if (input.chart.startsWith('oci://') && input.repoUrl) {
          throw new InputError(
            'helm:release: give repoUrl only for repository charts, not with an oci:// chart',
          );
        }
        if (!input.chart.startsWith('oci://') && !input.repoUrl) {
          throw new InputError(
            'helm:release: repoUrl is required unless chart is an oci:// reference',
          );
        }
      }

      const fileValues: Record<string, unknown>[] = [];
      for (const file of input.valuesFiles ?? []) {
        const path = resolveSafeChildPath(ctx.workspacePath, file);
        let parsed: unknown;
        try {
          parsed = yaml.parse(await readFile(path, 'utf8'));
        } catch (error) {
          throw new InputError(
            `helm:release: valuesFiles ${file}: ${(error as Error).message}`,
          );
        }
        if (parsed !== null && parsed !== undefined) {
          if (typeof parsed !== 'object' || Array.isArray(parsed)) {
            throw new InputError(
              `helm:release: valuesFiles ${file} must hold a YAML map`,
            );
          }
          fileValues.push(parsed as Record<string, unknown>);
        }
      }
      const desired = mergeValues(
        ...fileValues,
        input.values as Record<string, unknown> | undefined,
        input.secretValues as Record<string, unknown> | undefined,
      );
      const cluster = resolveCluster(input.cluster, options);
      const secrets = cluster.secrets;
      leafStrings(input.secretValues ?? {}).forEach(s => secrets.add(s));
      // Where helm fetches the chart: the step's source or its mirror.
      const source =
        state === 'present'
          ? chartSource(mirrors, input.chart!, input.repoUrl)
          : undefined;
      const fromMirror = source?.mirror
        ? ` from mirror ${source.repoUrl ?? source.chart} (for ${
            input.repoUrl ?? input.chart
          })`
        : '';
      const wouldDo =
        state === 'absent'
          ? `uninstall ${where}`
          : `install ${where} (${input.chart} ${input.version})${fromMirror}`;
      if (await plannedCluster(ctx, cluster, wouldDo)) {
        // Planned values: the release does not exist yet.
        ctx.output('revision', 0);
        ctx.output('status', 'uninstalled');
        ctx.output('changed', false);
        return;
      }

      const helm = await HelmRunner.create({
        binary: helmBinary(options),
        kubeConfig: await cluster.kubeConfig(),
        secrets,
        signal,
      });
      try {
        const current = await helm.metadata(input.name, input.namespace);
        const emit = (
          meta: HelmReleaseMetadata | undefined,
          changed: boolean,
        ) => {
          ctx.output('revision', meta?.revision ?? 0);
          ctx.output('status', meta?.status ?? 'uninstalled');
          if (meta) {
            ctx.output('chart', meta.chart);
            ctx.output('chartVersion', meta.version);
            if (meta.appVersion) ctx.output('appVersion', meta.appVersion);
          }
          ctx.output('changed', changed);
        };

        if (state === 'absent') {
          if (!current) {
            logger.info(`${where} is not installed; nothing to uninstall`);
            emit(undefined, false);
            return;
          }
          if (ctx.isDryRun) {
            logger.info(
              `dry run: would uninstall ${where} (revision ${current.revision})`,
            );
            emit(current, false);
            return;
          }
          await ctx.checkpoint({
            key: `helm:release:${cluster.name}:uninstall:${input.namespace}/${input.name}`,
            fn: async () => {
              await helm.run([
                'uninstall',
                input.name,
                '-n',
                input.namespace,
                '--timeout',
                `${input.timeoutSeconds ?? 300}s`,
              ]);
            },
          });
          logger.info(`uninstalled ${where}`);
          emit(undefined, true);
          return;
        }

        const name = chartName(input.chart!);
        let unchanged = false;
        let reason = 'not installed';
        if (current) {
          if (current.status !== 'deployed') {
            reason = `status is ${current.status}`;
          } else if (
            current.chart !== name ||
            current.version !== input.version
          ) {
            reason = `runs ${current.chart} ${current.version}`;
          } else {
            const deployedValues = await helm.values(
              input.name,
              input.namespace,
            );
            unchanged =
              stableStringify(deployedValues ?? {}) ===
              stableStringify(JSON.parse(JSON.stringify(desired)));
            reason = 'values differ';
          }
        }
        if (unchanged) {
          logger.info(
            `${where} already runs ${name} ${
              input.version
            } with these values (revision ${current!.revision}); nothing to do`,
          );
          emit(current, false);
          return;
        }
        const verb = current ? 'upgrade' : 'install';
        const plan = `${verb} ${where} to ${name} ${input.version}${
          current
            ? ` (from ${current.chart} ${current.version}, revision ${current.revision}, ${current.status}: ${reason})`
            : ''
        }${fromMirror}`;
        if (ctx.isDryRun) {
          logger.info(`dry run: would ${plan}`);
          emit(current, false);
          return;
        }
        throwIfAborted(signal);
        logger.info(`helm:release: ${plan}`);
        const valuesFile = await helm.writePrivate(
          'values.json',
          JSON.stringify(desired),
        );
        const helm4 = (await helm.major()) >= 4;
        const args = [
          'upgrade',
          '--install',
          input.name,
          source!.chart,
          ...(source!.repoUrl ? ['--repo', source!.repoUrl] : []),
          '--version',
          input.version!,
          '-n',
          input.namespace,
          '-f',
          valuesFile,
          '--reset-values',
          '--timeout',
          `${input.timeoutSeconds ?? 300}s`,
          ...(input.createNamespace ?? true ? ['--create-namespace'] : []),
          ...(input.wait ?? true ? [helm4 ? '--wait=watcher' : '--wait'] : []),
          ...(input.atomic
            ? [helm4 ? '--rollback-on-failure' : '--atomic']
            : []),
        ];
        await ctx.checkpoint({
          key: `helm:release:${cluster.name}:${input.namespace}/${
            input.name
          }:${name}@${input.version}:${digest({
            values: mergeValues(
              ...fileValues,
              input.values as Record<string, unknown> | undefined,
            ),
            secretKeys: Object.keys(input.secretValues ?? {}),
          })}`,
          fn: async () => {
            try {
              await helm.run(args);
            } catch (error) {
              const after = await helm
                .metadata(input.name, input.namespace)
                .catch(() => undefined);
              let outcome = '';
              if (after) {
                outcome = `; the release is now at revision ${
                  after.revision
                } (${after.status})${input.atomic ? ', rolled back' : ''}`;
              } else if (input.atomic) {
                outcome = '; the failed install was removed';
              }
              throw new Error(
                `helm:release: ${verb} of ${where}${fromMirror} failed: ${
                  (error as Error).message
                }${outcome}`,
              );
            }
          },
        });
        const after = await helm.metadata(input.name, input.namespace);
        logger.info(
          `${where}: revision ${after?.revision} ${after?.status} (${after?.chart} ${after?.version})${fromMirror}`,
        );
        emit(after, true);
      } catch (error) {
        if (signal?.aborted || !isHelmApiServerFailure(error)) throw error;
        const message = (error as Error).message;
        throw new Error(
          `${
            message.startsWith('helm:release:')
              ? message
              : `helm:release: ${where}: ${message}`
          }; the API server of cluster "${
            cluster.name
          }" failed or dropped the connection; run the task again once it answers (an unchanged release is not upgraded again)`,
        );
      } finally {
        await helm.dispose();
      }
    },
  });
}
