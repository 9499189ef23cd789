import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  CLUSTER_TEMPLATE_PINNED_RELEASES,
  ClusterSummary,
  isValidClusterName,
  PinnedRelease,
} from '@coder-platform/plugin-coder-platform-common';
import { CronExpressionParser } from 'cron-parser';

export interface CoderUpstreamConfig {
  url: string;
  token: string;
  /** Organization whose provisioner daemons are listed. Default `default`. */
  organization: string;
}

export interface KeycloakUpstreamConfig {
  baseUrl: string;
  realm: string;
  loginRealm?: string;
  clientId: string;
  clientSecret: string;
}

export interface PostgresBackupConfig {
  name: string;
  prefix: string;
  schedule: string;
  retain?: number;
}

export interface BackupsUpstreamConfig {
  bucket: string;
  /** Another GCS endpoint (an emulator); Google's when absent. */
  endpoint?: string;
  postgres: PostgresBackupConfig[];
  restic?: {
    prefix: string;
    password?: string;
    passwordSecret?: { namespace: string; name: string; key: string };
    /** HTTPS proxy restic goes through (`HTTPS_PROXY`). */
    httpsProxy?: string;
    /** Extra CA certificate restic trusts (`--cacert`). */
    caCertFile?: string;
  };
}

export interface KubernetesUpstreamConfig {
  url: string;
  caData?: string;
  auth: { type: 'token'; token: string } | { type: 'google' };
}

export interface GcpConfig {
  projectId: string;
  credentials?: string;
}

/** One entry of `coderPlatform.clusters[]`, with credentials: backend only. */
export interface ClusterConfig {
  name: string;
  title: string;
  coder?: CoderUpstreamConfig;
  keycloak?: KeycloakUpstreamConfig;
  backups?: BackupsUpstreamConfig;
  kubernetes?: KubernetesUpstreamConfig;
  gcp?: GcpConfig;
  /** Chart versions the cluster template pins (drift is reported against them). */
  pinnedReleases: PinnedRelease[];
  /** Every secret value of this cluster, to scrub from error messages. */
  secrets: string[];
}

function readPins(
  config: Config | undefined,
  key: string,
): PinnedRelease[] | undefined {
  const entries = config?.getOptionalConfigArray(key);
  return entries?.map(entry => ({
    release: entry.getString('release'),
    namespace: entry.getString('namespace'),
    chart: entry.getString('chart'),
    version: entry.getString('version'),
  }));
}

/**
 * Reads and validates `coderPlatform.clusters`. Fails start-up with the path
 * of the offending key rather than failing on the first request.
 */
export function readClusters(rootConfig: Config): ClusterConfig[] {
  const root = rootConfig.getOptionalConfig('coderPlatform');
  const defaultPins =
    readPins(root, 'pinnedReleases') ?? CLUSTER_TEMPLATE_PINNED_RELEASES;
  const entries =
    rootConfig.getOptionalConfigArray('coderPlatform.clusters') ?? [];
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const at = `coderPlatform.clusters[${index}]`;
    const name = entry.getString('name');
    if (!isValidClusterName(name)) {
      throw new InputError(
        `${at}.name "${name}" is not a valid cluster name (lowercase letters, digits and dashes, starting with a letter)`,
      );
    }
    if (seen.has(name)) {
      throw new InputError(
        `${at}.name "${name}" is used by more than one cluster`,
      );
    }
    seen.add(name);
    const secrets: string[] = [];
    const secret = (value: string | undefined) => {
      if (value && value.length >= 4) secrets.push(value);
      return value;
    };

    const coderConfig = entry.getOptionalConfig('coder');
    const coder = coderConfig && {
      url: coderConfig.getString('url'),
      token: secret(coderConfig.getString('token'))!,
      organization: coderConfig.getOptionalString('organization') ?? 'default',
    };

    const kc = entry.getOptionalConfig('keycloak');
    const keycloak = kc && {
      baseUrl: kc.getString('baseUrl'),
      realm: kc.getString('realm'),
      loginRealm: kc.getOptionalString('loginRealm'),
      clientId: kc.getString('clientId'),
      clientSecret: secret(kc.getString('clientSecret'))!,
    };

    const b = entry.getOptionalConfig('backups');
    let backups: BackupsUpstreamConfig | undefined;
    if (b) {
      const postgres = (b.getOptionalConfigArray('postgres') ?? []).map(
        (p, i) => {
          const schedule = p.getString('schedule');
          try {
            CronExpressionParser.parse(schedule, { tz: 'UTC' });
          } catch (error) {
            throw new InputError(
              `${at}.backups.postgres[${i}].schedule "${schedule}" is not a cron expression: ${
                (error as Error).message
              }`,
            );
          }
          const retain = p.getOptionalNumber('retain');
          if (
            retain !== undefined &&
            (!Number.isInteger(retain) || retain < 1)
          ) {
            throw new InputError(
              `${at}.backups.postgres[${i}].retain must be a positive integer`,
            );
          }
          return {
            name: p.getString('name'),
            prefix: p.getString('prefix'),
            schedule,
            retain,
          };
        },
      );
      const r = b.getOptionalConfig('restic');
      let restic: BackupsUpstreamConfig['restic'];
      if (r) {
        const passwordSecret = r.getOptionalString('passwordSecret');
        let ref: { namespace: string; name: string; key: string } | undefined;
        if (passwordSecret) {
          const [namespace, secretName, key] = passwordSecret.split('/');
          if (!namespace || !secretName || !key) {
            throw new InputError(
              `${at}.backups.restic.passwordSecret must be "namespace/name/key", got "${passwordSecret}"`,
            );
          }
          ref = { namespace, name: secretName, key };
        }
        const password = secret(r.getOptionalString('password'));
        if (!password && !ref) {
          throw new InputError(
            `${at}.backups.restic needs password or passwordSecret`,
          );
        }
        restic = {
          prefix: r.getString('prefix'),
          password,
          passwordSecret: ref,
          httpsProxy: r.getOptionalString('httpsProxy'),
          caCertFile: r.getOptionalString('caCertFile'),
        };
      }
      backups = {
        bucket: b.getString('bucket'),
        endpoint: b.getOptionalString('endpoint'),
        postgres,
        restic,
      };
    }

    const k = entry.getOptionalConfig('kubernetes');
    let kubernetes: KubernetesUpstreamConfig | undefined;
    if (k) {
      const type = k.getString('auth.type');
      if (type === 'token') {
        kubernetes = {
          url: k.getString('url'),
          caData: k.getOptionalString('caData'),
          auth: { type: 'token', token: secret(k.getString('auth.token'))! },
        };
      } else if (type === 'google') {
        kubernetes = {
          url: k.getString('url'),
          caData: k.getOptionalString('caData'),
          auth: { type: 'google' },
        };
      } else {
        throw new InputError(
          `${at}.kubernetes.auth.type must be "token" or "google", got "${type}"`,
        );
      }
    }

    const g = entry.getOptionalConfig('gcp');
    const gcp = g && {
      projectId: g.getString('projectId'),
      credentials: secret(g.getOptionalString('credentials')),
    };
    if (gcp?.credentials) {
      try {
        const key = JSON.parse(gcp.credentials);
        secret(key.private_key);
        secret(key.private_key_id);
      } catch {
        throw new InputError(
          `${at}.gcp.credentials is not a service account key in JSON`,
        );
      }
    }

    return {
      name,
      title: entry.getOptionalString('title') ?? name,
      coder,
      keycloak,
      backups,
      kubernetes,
      gcp,
      pinnedReleases: readPins(entry, 'pinnedReleases') ?? defaultPins,
      secrets,
    };
  });
}

/** What the browser may see of a cluster: which upstreams exist, nothing more. */
export function toClusterSummary(cluster: ClusterConfig): ClusterSummary {
  return {
    name: cluster.name,
    title: cluster.title,
    upstreams: {
      coder: Boolean(cluster.coder),
      keycloak: Boolean(cluster.keycloak),
      postgresBackups: Boolean(
        cluster.backups && cluster.backups.postgres.length > 0,
      ),
      workspaceBackups: Boolean(cluster.backups?.restic),
      kubernetes: Boolean(cluster.kubernetes),
    },
  };
}
