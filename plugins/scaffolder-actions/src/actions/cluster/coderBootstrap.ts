import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  CoderApiError,
  CoderClient,
} from '@coder-platform/plugin-coder-platform-node';
import {
  ClusterActionsOptions,
  clusterModel,
  fieldManager,
  plannedCluster,
  resolveCluster,
} from './clusterAccess';
import { coderUnavailableHint, resolveCoder } from './coderAccess';
import { examples } from './coderBootstrap.examples';
import { clusterInput, targetSecretInput } from './inputProperties';
import { applySecret, ObjectApi } from './kubernetes';
import { throwIfAborted } from './util';

/**
 * `coder:bootstrap`: creates Coder's first (owner) user, tolerating one that
 * already exists, logs in, and keeps the session token in a Kubernetes
 * Secret. A stored token that still works is kept, so re-runs change nothing.
 * The admin password (a task secret) is needed only to create the first user
 * or to log in again; an upgrade whose stored token works runs without it.
 */
export function createCoderBootstrapAction(options: ClusterActionsOptions) {
  return createTemplateAction({
    id: 'coder:bootstrap',
    description:
      "Creates Coder's first admin user (POST /api/v2/users/first, tolerant of an existing one), logs in and stores the session token in a Kubernetes Secret. The admin password is needed only when Coder has no first user yet or the stored token no longer works.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: clusterInput,
        email: z =>
          z
            .string()
            .email()
            .describe('Email of the admin user (the login name)'),
        username: z =>
          z
            .string()
            .regex(/^[a-zA-Z0-9-]+$/, 'letters, digits and - only')
            .optional()
            .describe('Username of the admin user; default admin'),
        name: z =>
          z.string().optional().describe('Full name of the admin user'),
        passwordSecret: z =>
          z
            .string()
            .optional()
            .describe(
              'Name of the task secret holding the admin password; default coderAdminPassword. The secret may be absent when Coder already has its first user and the stored session token works (an upgrade); it is required to create the first user or to log in again',
            ),
        secret: z =>
          targetSecretInput(z)
            .optional()
            .describe(
              'Kubernetes Secret of the cluster receiving the session token (key "session-token" unless key is given); default the cluster\'s coder.sessionTokenSecret (coder/coder-session-token), which coder:template:push reads',
            ),
      },
      output: {
        created: z =>
          z.boolean().describe('Whether this run created the first user'),
        changed: z =>
          z
            .boolean()
            .describe(
              'Whether this run created the user or stored a new session token',
            ),
        secretName: z =>
          z
            .string()
            .describe('namespace/name of the Secret holding the session token'),
      },
    },
    async handler(ctx) {
      const { input, logger, signal } = ctx;
      const secretName = input.passwordSecret ?? 'coderAdminPassword';
      const password = ctx.secrets?.[secretName] || undefined;
      const missingPassword = (why: string) =>
        new InputError(
          `coder:bootstrap: ${why}; the Coder admin password is needed, but the task secret "${secretName}" (input passwordSecret) is missing`,
        );
      const planned = resolveCluster(input.cluster, options);
      if (
        await plannedCluster(
          ctx,
          planned,
          `create the first Coder user ${input.email} and store a session token`,
        )
      ) {
        // A cluster not created yet has no Coder: its first user needs the password.
        if (!password) {
          throw missingPassword(
            `the cluster "${input.cluster}" is not created yet, so Coder has no first user`,
          );
        }
        // Planned values: the Secret the session token would go to.
        const ref =
          input.secret ??
          clusterModel(options).settings.gke.coder.sessionTokenSecret;
        ctx.output('created', false);
        ctx.output('changed', false);
        ctx.output('secretName', `${ref.namespace}/${ref.name}`);
        return;
      }
      const { target: coderTarget, cluster } = await resolveCoder(
        input.cluster,
        options,
      );
      if (password) cluster.secrets.add(password);
      const url = coderTarget.url;
      const ref = input.secret
        ? {
            namespace: input.secret.namespace,
            name: input.secret.name,
            key: input.secret.key ?? 'session-token',
          }
        : coderTarget.sessionTokenSecret;
      const key = ref.key;
      const secretRef = { namespace: ref.namespace, name: ref.name };
      const target = `${ref.namespace}/${ref.name}`;
      const coder = new CoderClient({ baseUrl: url });
      const api = ObjectApi.create(await cluster.kubeConfig());
      const wrap = (what: string) => (error: unknown) => {
        throw new Error(
          `coder:bootstrap: ${what} at ${url} (cluster "${
            cluster.name
          }") failed: ${cluster.secrets.redact(
            error instanceof CoderApiError
              ? `HTTP ${error.status}: ${error.coderMessage}`
              : (error as Error).message,
          )}${coderUnavailableHint(cluster.name, error)}`,
        );
      };

      const exists = await coder
        .hasFirstUser(signal)
        .catch(wrap('checking for the first user'));
      // The stored token is sent to Coder below: only from a Secret the suite wrote.
      const stored = await cluster.readSecret(secretRef, key, {
        field: 'secret',
      });
      let storedWorks = false;
      if (exists && stored) {
        const probe = new CoderClient({
          baseUrl: url,
          sessionToken: stored,
          retries: 1,
        });
        const me = await probe.getMe(signal).catch(() => undefined);
        storedWorks = me?.email === input.email;
      }
      // Checked before the dry-run return: a dry run fails as the run would.
      if (!exists && !password) {
        throw missingPassword(`Coder at ${url} has no first user yet`);
      }
      if (!storedWorks && !password) {
        throw missingPassword(
          `Coder at ${url} has its first user, but the session token in Secret ${target} is ${
            stored ? `not ${input.email}'s or no longer works` : 'missing'
          }, so the action must log in again`,
        );
      }
      // Defined from here on whenever it is used: create and log in need it.
      const adminPassword = password ?? '';

      if (ctx.isDryRun) {
        logger.info(
          `dry run: ${
            exists
              ? 'first user exists'
              : `would create first user ${input.email}`
          }; ${
            storedWorks
              ? `the token in Secret ${target} works`
              : `would log in and store a session token in Secret ${target}`
          }`,
        );
        ctx.output('created', false);
        ctx.output('changed', false);
        ctx.output('secretName', target);
        return;
      }

      let created = false;
      if (!exists) {
        throwIfAborted(signal);
        created = await ctx.checkpoint({
          key: `coder:bootstrap:${cluster.name}:first-user`,
          fn: async () => {
            const result = await coder
              .createFirstUser(
                {
                  email: input.email,
                  username: input.username ?? 'admin',
                  name: input.name,
                  password: adminPassword,
                },
                signal,
              )
              .catch(wrap('creating the first user'));
            return result !== undefined;
          },
        });
        logger.info(
          created
            ? `created first user ${input.email}`
            : 'first user already exists',
        );
      } else {
        logger.info('first user already exists');
      }

      let changed = created;
      if (storedWorks) {
        logger.info(
          `the session token in Secret ${target} still works; kept it`,
        );
      } else {
        throwIfAborted(signal);
        await ctx.checkpoint({
          key: `coder:bootstrap:${cluster.name}:token:${target}`,
          fn: async () => {
            const token = await coder
              .login({ email: input.email, password: adminPassword }, signal)
              .catch(wrap(`logging in as ${input.email}`));
            cluster.secrets.add(token);
            await applySecret(
              api,
              secretRef,
              { [key]: token, url },
              fieldManager(options.config),
            );
          },
        });
        logger.info(
          `stored a session token for ${input.email} in Secret ${target}`,
        );
        changed = true;
      }
      ctx.output('created', created);
      ctx.output('changed', changed);
      ctx.output('secretName', target);
    },
  });
}
