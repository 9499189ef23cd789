import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  CLUSTER_TEMPLATE_PINNED_RELEASES,
  isValidClusterName,
  PinnedRelease,
} from '@coder-platform/plugin-coder-platform-common';
import { SecretRegistry } from '../redaction/redact';
import { isGkeResourceName } from './gkeResourceName';
import {
  BackupsUpstreamConfig,
  ClusterConfig,
  ClusterModelConfig,
  CoderUpstreamConfig,
  GcpEndpoint,
  GkeSettings,
  KeycloakAdminConfig,
  KeycloakUpstreamConfig,
  KubernetesClusterConfig,
  ObjectRef,
  SecretKeyRef,
} from './types';

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Parses `namespace/name` (or `namespace/name/key` when `withKey`), naming `at` when malformed. */
export function parseObjectRef(value: string, at: string): ObjectRef;
export function parseObjectRef(
  value: string,
  at: string,
  withKey: true,
): SecretKeyRef;
export function parseObjectRef(
  value: string,
  at: string,
  withKey = false,
): ObjectRef | SecretKeyRef {
  const parts = value.split('/');
  const want = withKey ? 3 : 2;
  if (
    parts.length !== want ||
    !NAME.test(parts[0]) ||
    !NAME.test(parts[1]) ||
    (withKey && !/^[-._a-zA-Z0-9]+$/.test(parts[2]))
  ) {
    throw new InputError(
      `${at} must be "${
        withKey ? 'namespace/name/key' : 'namespace/name'
      }", got "${value}"`,
    );
  }
  return withKey
    ? { namespace: parts[0], name: parts[1], key: parts[2] }
    : { namespace: parts[0], name: parts[1] };
}

function readPins(
  config: Config | undefined,
  key: string,
): PinnedRelease[] | undefined {
  return config?.getOptionalConfigArray(key)?.map(entry => ({
    release: entry.getString('release'),
    namespace: entry.getString('namespace'),
    chart: entry.getString('chart'),
    version: entry.getString('version'),
  }));
}

/** `coderPlatform.gke`: trusted projects and where Keycloak and Coder live inside a GKE-named cluster. */
export function readGkeSettings(root: Config | undefined): GkeSettings {
  const gke = root?.getOptionalConfig('gke');
  const at = 'coderPlatform.gke';
  const allowedProjects = gke?.getOptionalStringArray('allowedProjects') ?? [];
  allowedProjects.forEach((p, i) => {
    if (!/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(p)) {
      throw new InputError(
        `${at}.allowedProjects[${i}] "${p}" is not a GCP project id`,
      );
    }
  });
  const ref = (key: string, fallback: string) =>
    parseObjectRef(gke?.getOptionalString(key) ?? fallback, `${at}.${key}`);
  return {
    allowedProjects,
    keycloak: {
      ingress: ref('keycloak.ingress', 'keycloak/keycloak'),
      adminSecret: ref('keycloak.adminSecret', 'keycloak/keycloak-admin'),
      loginRealm: gke?.getOptionalString('keycloak.loginRealm') ?? 'master',
    },
    coder: {
      ingress: ref('coder.ingress', 'coder/coder'),
      sessionTokenSecret: parseObjectRef(
        gke?.getOptionalString('coder.sessionTokenSecret') ??
          'coder/coder-session-token/session-token',
        `${at}.coder.sessionTokenSecret`,
        true,
      ),
    },
  };
}

function readKubernetes(
  k: Config,
  at: string,
  secret: SecretRegistry,
): KubernetesClusterConfig {
  const gke = k.getOptionalString('gke');
  const url = k.getOptionalString('url');
  const type = k.getOptionalString('auth.type') ?? (gke ? 'google' : undefined);
  if (gke !== undefined) {
    if (!isGkeResourceName(gke)) {
      throw new InputError(
        `${at}.gke "${gke}" is not a GKE resource name (projects/<project>/locations/<location>/clusters/<name>)`,
      );
    }
    if (url !== undefined) {
      throw new InputError(`${at}: give url or gke, not both`);
    }
    if (type !== 'google') {
      throw new InputError(
        `${at}.auth.type must be "google" with gke (the backend's Google identity), got "${type}"`,
      );
    }
    return { kind: 'gke', resourceName: gke, auth: { type: 'google' } };
  }
  if (type === 'kubeconfig') {
    if (url !== undefined) {
      throw new InputError(
        `${at}.url: not allowed with auth.type kubeconfig (the kubeconfig names the server)`,
      );
    }
    return {
      kind: 'kubeconfig',
      auth: {
        type: 'kubeconfig',
        path: k.getString('auth.kubeconfigPath'),
        context: k.getOptionalString('auth.context'),
      },
    };
  }
  if (type !== 'token' && type !== 'google') {
    throw new InputError(
      `${at}.auth.type must be "token", "google" or "kubeconfig", got "${type}"`,
    );
  }
  if (url === undefined) {
    throw new InputError(
      `${at}.url is required with auth.type ${type} (or give ${at}.gke)`,
    );
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw new Error();
  } catch {
    throw new InputError(`${at}.url "${url}" is not an http(s) URL`);
  }
  return {
    kind: 'url',
    url,
    caData: k.getOptionalString('caData'),
    skipTLSVerify: k.getOptionalBoolean('skipTLSVerify'),
    auth:
      type === 'token'
        ? { type: 'token', token: secret.add(k.getString('auth.token')) }
        : { type: 'google' },
  };
}

function readCoder(
  c: Config,
  at: string,
  gke: GkeSettings,
  secret: SecretRegistry,
): CoderUpstreamConfig {
  const ref = c.getOptionalString('sessionTokenSecret');
  return {
    url: c.getString('url'),
    token: secret.add(c.getOptionalString('token')),
    organization: c.getOptionalString('organization') ?? 'default',
    sessionTokenSecret: ref
      ? parseObjectRef(ref, `${at}.sessionTokenSecret`, true)
      : gke.coder.sessionTokenSecret,
  };
}

function readKeycloak(
  kc: Config,
  at: string,
  secret: SecretRegistry,
): { reader?: KeycloakUpstreamConfig; admin?: KeycloakAdminConfig } {
  const baseUrl = kc.getString('baseUrl');
  const readerKeys = ['realm', 'clientId', 'clientSecret'].filter(key =>
    kc.has(key),
  );
  const a = kc.getOptionalConfig('admin');
  let admin: KeycloakAdminConfig | undefined;
  if (a) {
    const byPassword = a.has('username') || a.has('password');
    const byClient = a.has('clientId') || a.has('clientSecret');
    if (byPassword === byClient) {
      throw new InputError(
        `${at}.admin needs either username + password or clientId + clientSecret`,
      );
    }
    admin = {
      baseUrl,
      loginRealm: a.getOptionalString('loginRealm') ?? 'master',
      credentials: byPassword
        ? {
            type: 'password',
            username: a.getString('username'),
            password: secret.add(a.getString('password')),
          }
        : {
            type: 'client',
            clientId: a.getString('clientId'),
            clientSecret: secret.add(a.getString('clientSecret')),
          },
    };
  }
  if (readerKeys.length === 0) {
    if (!admin) {
      throw new InputError(
        `${at} needs realm + clientId + clientSecret (the portal's reader) or admin (the actions' administrator), or both`,
      );
    }
    return { admin };
  }
  const reader = {
    baseUrl,
    realm: kc.getString('realm'),
    loginRealm: kc.getOptionalString('loginRealm'),
    clientId: kc.getString('clientId'),
    clientSecret: secret.add(kc.getString('clientSecret')),
  };
  return { reader, admin };
}

function readBackups(
  b: Config,
  at: string,
  secret: SecretRegistry,
): BackupsUpstreamConfig {
  const postgres = (b.getOptionalConfigArray('postgres') ?? []).map((p, i) => {
    const retain = p.getOptionalNumber('retain');
    if (retain !== undefined && (!Number.isInteger(retain) || retain < 1)) {
      throw new InputError(
        `${at}.postgres[${i}].retain must be a positive integer`,
      );
    }
    return {
      name: p.getString('name'),
      prefix: p.getString('prefix'),
      schedule: p.getString('schedule'),
      retain,
    };
  });
  const r = b.getOptionalConfig('restic');
  let restic: BackupsUpstreamConfig['restic'];
  if (r) {
    const ref = r.getOptionalString('passwordSecret');
    const password = secret.add(r.getOptionalString('password'));
    if (!password && !ref) {
      throw new InputError(`${at}.restic needs password or passwordSecret`);
    }
    restic = {
      prefix: r.getString('prefix'),
      password,
      passwordSecret: ref
        ? parseObjectRef(ref, `${at}.restic.passwordSecret`, true)
        : undefined,
      httpsProxy: r.getOptionalString('httpsProxy'),
      caCertFile: r.getOptionalString('caCertFile'),
    };
  }
  return {
    bucket: b.getString('bucket'),
    endpoint: b.getOptionalString('endpoint'),
    postgres,
    restic,
  };
}

function readCluster(
  entry: Config,
  at: string,
  gke: GkeSettings,
  defaultPins: PinnedRelease[],
  google: ClusterModelConfig['google'],
): ClusterConfig {
  const name = entry.getString('name');
  if (!isValidClusterName(name)) {
    throw new InputError(
      `${at}.name "${name}" is not a valid cluster name (lowercase letters, digits and dashes, starting with a letter)`,
    );
  }
  const secrets = new SecretRegistry();
  const k = entry.getOptionalConfig('kubernetes');
  const c = entry.getOptionalConfig('coder');
  const kc = entry.getOptionalConfig('keycloak');
  const keycloak = kc && readKeycloak(kc, `${at}.keycloak`, secrets);
  const b = entry.getOptionalConfig('backups');
  const g = entry.getOptionalConfig('gcp');
  const gcp = g && {
    projectId: g.getString('projectId'),
    credentials: secrets.add(g.getOptionalString('credentials')),
  };
  if (gcp?.credentials) {
    try {
      const key = JSON.parse(gcp.credentials);
      secrets.add(key.private_key);
      secrets.add(key.private_key_id);
    } catch {
      throw new InputError(
        `${at}.gcp.credentials is not a service account key in JSON`,
      );
    }
  }
  return {
    name,
    title: entry.getOptionalString('title') ?? name,
    kubernetes: k && readKubernetes(k, `${at}.kubernetes`, secrets),
    coder: c && readCoder(c, `${at}.coder`, gke, secrets),
    keycloak: keycloak?.reader,
    keycloakAdmin: keycloak?.admin,
    backups: b && readBackups(b, `${at}.backups`, secrets),
    gcp,
    pinnedReleases: readPins(entry, 'pinnedReleases') ?? defaultPins,
    secrets,
    google,
  };
}

function readEndpoint(config: Config | undefined): GcpEndpoint | undefined {
  return config
    ? {
        apiEndpoint: config.getString('apiEndpoint'),
        port: config.getOptionalNumber('port'),
        plaintext: config.getOptionalBoolean('plaintext'),
      }
    : undefined;
}

/** `coderPlatform.gcp.callTimeoutSeconds` (default 60) in ms, checked. */
function readCallTimeoutMs(root: Config | undefined): number {
  const seconds = root?.getOptionalNumber('gcp.callTimeoutSeconds') ?? 60;
  if (!(seconds > 0)) {
    throw new InputError(
      `coderPlatform.gcp.callTimeoutSeconds: must be a positive number of seconds, got ${seconds}`,
    );
  }
  return Math.round(seconds * 1000);
}

/**
 * The one parser of cluster config, for the backend plugin and the actions:
 * `coderPlatform.clusters`, `coderPlatform.gke`, the actions' readable
 * Secrets and the backend's Google identity. Fails with the path of the
 * offending key, at start-up rather than on the first request.
 */
export function readClusterModelConfig(rootConfig: Config): ClusterModelConfig {
  const root = rootConfig.getOptionalConfig('coderPlatform');
  if (root?.has('clusterActions.clusters')) {
    throw new InputError(
      'coderPlatform.clusterActions.clusters is no longer read: list each cluster once in coderPlatform.clusters[] with a kubernetes block (url + auth, gke, or auth.type kubeconfig)',
    );
  }
  const gke = readGkeSettings(root);
  const google = {
    keyFilename: root?.getOptionalString('gcp.keyFilename'),
    containerEndpoint: readEndpoint(
      root?.getOptionalConfig('gcp.endpoints.container'),
    ),
    callTimeoutMs: readCallTimeoutMs(root),
  };
  const defaultPins =
    readPins(root, 'pinnedReleases') ?? CLUSTER_TEMPLATE_PINNED_RELEASES;
  const seen = new Set<string>();
  const clusters = (root?.getOptionalConfigArray('clusters') ?? []).map(
    (entry, index) => {
      const at = `coderPlatform.clusters[${index}]`;
      const cluster = readCluster(entry, at, gke, defaultPins, google);
      if (seen.has(cluster.name)) {
        throw new InputError(
          `${at}.name "${cluster.name}" is used by more than one cluster`,
        );
      }
      seen.add(cluster.name);
      return cluster;
    },
  );
  const readableSecrets = (
    root?.getOptionalStringArray('clusterActions.readableSecrets') ?? []
  ).map((value, i) =>
    parseObjectRef(value, `coderPlatform.clusterActions.readableSecrets[${i}]`),
  );
  return {
    clusters,
    gke,
    readableSecrets,
    google,
  };
}

/** The clusters of `coderPlatform.clusters` (see {@link readClusterModelConfig}). */
export function readClusters(rootConfig: Config): ClusterConfig[] {
  return readClusterModelConfig(rootConfig).clusters;
}
