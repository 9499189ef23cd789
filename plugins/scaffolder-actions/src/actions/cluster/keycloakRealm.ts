import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ClusterActionsOptions,
  plannedCluster,
  resolveCluster,
} from './clusterAccess';
import { clusterInput } from './inputProperties';
import {
  connectClusterKeycloak,
  keycloakErrorMessage,
  keycloakUnavailableHint,
  retryKeycloak,
} from './keycloakAccess';
import { examples } from './keycloakRealm.examples';
import {
  SMTP_PASSWORD_ATTRIBUTE,
  smtpPasswordDigest,
  smtpPasswordMatches,
} from './smtpPasswordDigest';
import { digest, sleep, throwIfAborted } from './util';

/** Realm settings from the seed (`automate/roles/keycloak/defaults/main/realms.yml`). */
export const SEED_REALM_DEFAULTS = {
  enabled: true,
  registrationAllowed: true,
  registrationEmailAsUsername: true,
  editUsernameAllowed: true,
  resetPasswordAllowed: true,
  rememberMe: true,
  verifyEmail: true,
  bruteForceProtected: true,
  ssoSessionIdleTimeout: 43200,
  ssoSessionIdleTimeoutRememberMe: 864000,
  ssoSessionMaxLifespan: 43200,
  ssoSessionMaxLifespanRememberMe: 864000,
} as const;

/** How long a run that lost a create race waits for the winner's realm (polls × ms). */
const RACE_POLLS = 40;
const RACE_POLL_MS = 500;

const SESSION_KEYS = [
  'ssoSessionIdleTimeout',
  'ssoSessionIdleTimeoutRememberMe',
  'ssoSessionMaxLifespan',
  'ssoSessionMaxLifespanRememberMe',
] as const;

/**
 * `keycloak:realm`: creates or updates a realm with the seed's settings.
 * Only fields that differ are written; a re-run with the same input changes
 * nothing. The SMTP password comes from a task secret and is never logged.
 */
export function createKeycloakRealmAction(options: ClusterActionsOptions) {
  return createTemplateAction({
    id: 'keycloak:realm',
    description:
      "Creates or updates a Keycloak realm with the seed's settings: self-registration, email as username, verify email, brute-force protection, session timeouts and SMTP (password from a task secret).",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: z =>
          clusterInput(z).describe(
            'The cluster whose Keycloak to administer (URL and admin identity from the cluster model)',
          ),
        realm: z =>
          z
            .string()
            .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only')
            .describe('Realm name, e.g. example-com'),
        displayName: z =>
          z.string().optional().describe('Display name of the realm'),
        registrationAllowed: z =>
          z.boolean().optional().describe('Self-registration; default true'),
        registrationEmailAsUsername: z =>
          z.boolean().optional().describe('Email as username; default true'),
        verifyEmail: z =>
          z
            .boolean()
            .optional()
            .describe('Require email verification; default true'),
        bruteForceProtected: z =>
          z
            .boolean()
            .optional()
            .describe('Brute-force detection; default true'),
        editUsernameAllowed: z =>
          z
            .boolean()
            .optional()
            .describe('Users may edit their username; default true'),
        resetPasswordAllowed: z =>
          z.boolean().optional().describe('Forgot-password flow; default true'),
        rememberMe: z =>
          z.boolean().optional().describe('Remember-me on login; default true'),
        sessions: z =>
          z
            .object({
              ssoSessionIdleTimeout: z
                .number()
                .int()
                .positive()
                .optional()
                .describe('Idle timeout in seconds; default 43200 (12 h)'),
              ssoSessionIdleTimeoutRememberMe: z
                .number()
                .int()
                .positive()
                .optional()
                .describe(
                  'Idle timeout with remember-me; default 864000 (10 d)',
                ),
              ssoSessionMaxLifespan: z
                .number()
                .int()
                .positive()
                .optional()
                .describe(
                  'Maximum session lifespan in seconds; default 43200 (12 h)',
                ),
              ssoSessionMaxLifespanRememberMe: z
                .number()
                .int()
                .positive()
                .optional()
                .describe(
                  'Maximum lifespan with remember-me; default 864000 (10 d)',
                ),
            })
            .optional()
            .describe('SSO session timeouts in seconds'),
        smtp: z =>
          z
            .object({
              host: z.string().describe('SMTP host'),
              port: z.number().int().positive().describe('SMTP port, e.g. 587'),
              from: z.string().email().describe('Sender address'),
              fromDisplayName: z
                .string()
                .optional()
                .describe('Sender display name; default the realm name'),
              replyTo: z
                .string()
                .email()
                .optional()
                .describe('Reply-to address'),
              user: z
                .string()
                .optional()
                .describe('SMTP user; enables SMTP auth'),
              passwordSecret: z
                .string()
                .optional()
                .describe(
                  'Name of the task secret holding the SMTP password; default smtpPassword',
                ),
              starttls: z
                .boolean()
                .optional()
                .describe('Use STARTTLS; default true'),
              ssl: z.boolean().optional().describe('Use SSL; default false'),
            })
            .optional()
            .describe(
              'Outgoing mail server for verification and password-reset mails',
            ),
      },
      output: {
        realm: z => z.string().describe('Realm name'),
        created: z =>
          z.boolean().describe('Whether the realm was created by this run'),
        changed: z =>
          z.boolean().describe('Whether this run created or updated the realm'),
      },
    },
    async handler(ctx) {
      const { input, logger, signal } = ctx;
      const desired: Record<string, unknown> = {
        realm: input.realm,
        ...SEED_REALM_DEFAULTS,
        ...(input.displayName ? { displayName: input.displayName } : {}),
      };
      for (const key of [
        'registrationAllowed',
        'registrationEmailAsUsername',
        'verifyEmail',
        'bruteForceProtected',
        'editUsernameAllowed',
        'resetPasswordAllowed',
        'rememberMe',
      ] as const) {
        if (input[key] !== undefined) desired[key] = input[key];
      }
      for (const key of SESSION_KEYS) {
        const value = input.sessions?.[key];
        if (value !== undefined) desired[key] = value;
      }
      let smtpPassword: string | undefined;
      if (input.smtp) {
        const smtp = input.smtp;
        const smtpServer: Record<string, string> = {
          host: smtp.host,
          port: String(smtp.port),
          from: smtp.from,
          fromDisplayName: smtp.fromDisplayName ?? input.realm,
          replyToDisplayName: smtp.fromDisplayName ?? input.realm,
          starttls: String(smtp.starttls ?? true),
          ssl: String(smtp.ssl ?? false),
          auth: String(Boolean(smtp.user)),
        };
        if (smtp.replyTo) smtpServer.replyTo = smtp.replyTo;
        if (smtp.user) {
          smtpServer.user = smtp.user;
          const secretName = smtp.passwordSecret ?? 'smtpPassword';
          smtpPassword = ctx.secrets?.[secretName];
          if (!smtpPassword) {
            throw new InputError(
              `smtp.user is set but the task secret "${secretName}" with the SMTP password is missing`,
            );
          }
        }
        desired.smtpServer = smtpServer;
      }

      if (
        await plannedCluster(
          ctx,
          resolveCluster(input.cluster, options),
          `create or update Keycloak realm "${input.realm}"`,
        )
      ) {
        // Planned values, as for a realm that does not exist yet.
        ctx.output('realm', input.realm);
        ctx.output('created', false);
        ctx.output('changed', false);
        return;
      }
      const { client: kc, cluster } = await connectClusterKeycloak(
        input.cluster,
        options,
      );
      cluster.secrets.add(smtpPassword);
      const where = `realm "${input.realm}" in cluster "${cluster.name}"`;
      const fail = (what: string) => (error: unknown) => {
        throw new Error(
          `keycloak:realm: ${what} ${where} failed: ${cluster.secrets.redact(
            keycloakErrorMessage(error),
          )}${keycloakUnavailableHint(cluster.name, error)}`,
        );
      };
      const read = () =>
        retryKeycloak(
          () => kc.realms.findOne({ realm: input.realm }),
          signal,
        ).catch(fail('reading')) as Promise<Record<string, any> | undefined>;
      const existing = await read();

      const diff = (have: Record<string, any> | undefined) => {
        if (!have) return Object.keys(desired);
        const keys = Object.keys(desired).filter(key => {
          if (key === 'smtpServer') {
            const want = desired.smtpServer as Record<string, string>;
            const current = (have.smtpServer ?? {}) as Record<string, string>;
            return Object.keys(want).some(
              k => String(current[k] ?? '') !== want[k],
            );
          }
          return have[key] !== desired[key];
        });
        // Keycloak never returns the SMTP password: compare its digest.
        if (
          smtpPassword &&
          !smtpPasswordMatches(
            have.attributes?.[SMTP_PASSWORD_ATTRIBUTE],
            smtpPassword,
          )
        ) {
          keys.push('smtpServer.password');
        }
        return keys;
      };
      let differences = diff(existing);
      const withPassword = (have: Record<string, any> | undefined) =>
        smtpPassword
          ? {
              ...desired,
              smtpServer: {
                ...(desired.smtpServer as object),
                password: smtpPassword,
              },
              attributes: {
                ...(have?.attributes ?? {}),
                [SMTP_PASSWORD_ATTRIBUTE]: smtpPasswordDigest(smtpPassword),
              },
            }
          : desired;

      if (existing && differences.length === 0) {
        logger.info(`${where} already has these settings; nothing to do`);
        ctx.output('realm', input.realm);
        ctx.output('created', false);
        ctx.output('changed', false);
        return;
      }
      if (ctx.isDryRun) {
        logger.info(
          existing
            ? `dry run: would update ${where}: ${differences.join(', ')}`
            : `dry run: would create ${where}`,
        );
        ctx.output('realm', input.realm);
        ctx.output('created', false);
        ctx.output('changed', false);
        return;
      }
      throwIfAborted(signal);
      const outcome = await ctx.checkpoint({
        key: `keycloak:realm:${cluster.name}:${input.realm}:${
          existing ? 'update' : 'create'
        }:${digest({ desired, differences })}`,
        fn: async (): Promise<'created' | 'updated' | 'unchanged'> => {
          let have = existing;
          // Get-or-create. A run that loses a race gets 409, or 400
          // "Database operation failed" while the winner's insert is still
          // committing (creating a realm takes seconds): wait for the realm
          // to appear, and create again only if the winner gave up.
          for (let round = 1; !have; round++) {
            try {
              await kc.realms.create(withPassword(undefined));
              return 'created';
            } catch (error) {
              const status = (error as { response?: { status?: number } })
                .response?.status;
              if ((status !== 409 && status !== 400) || round > 3) {
                have = await read();
                if (!have) fail('creating')(error);
                break;
              }
              for (let poll = 0; !have && poll < RACE_POLLS; poll++) {
                have = await read();
                if (!have) await sleep(RACE_POLL_MS, signal);
              }
            }
          }
          differences = diff(have);
          if (differences.length === 0) return 'unchanged';
          await retryKeycloak(
            () => kc.realms.update({ realm: input.realm }, withPassword(have)),
            signal,
          ).catch(fail('updating'));
          return 'updated';
        },
      });
      logger.info(
        {
          created: `created ${where}`,
          updated: `updated ${where}: ${differences.join(', ')}`,
          unchanged: `${where} was created meanwhile with these settings; nothing to do`,
        }[outcome],
      );
      ctx.output('realm', input.realm);
      ctx.output('created', outcome === 'created');
      ctx.output('changed', outcome !== 'unchanged');
    },
  });
}
