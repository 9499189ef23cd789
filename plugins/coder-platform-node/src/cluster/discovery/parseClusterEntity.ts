import {
  CODER_CLUSTER_RESOURCE_TYPE,
  CODER_PLATFORM_BACKUP_BUCKET_ANNOTATION as BUCKET,
  CODER_PLATFORM_CLUSTER_ANNOTATION as CLUSTER,
  CODER_PLATFORM_CODER_URL_ANNOTATION as CODER_URL,
  CODER_PLATFORM_GKE_CLUSTER_ANNOTATION as GKE,
  CODER_PLATFORM_KEYCLOAK_REALM_ANNOTATION as REALM,
  CODER_PLATFORM_KEYCLOAK_URL_ANNOTATION as KEYCLOAK_URL,
  CODER_PLATFORM_POSTGRES_BACKUP_PREFIX_ANNOTATION as PG_PREFIX,
  CODER_PLATFORM_POSTGRES_BACKUP_SCHEDULE_ANNOTATION as PG_SCHEDULE,
  CODER_PLATFORM_RESTIC_PREFIX_ANNOTATION as RESTIC_PREFIX,
  isValidClusterName,
} from '@coder-platform/plugin-coder-platform-common';
import { parseGkeResourceName } from '../gkeResourceName';
import { isAllowedHost } from './readDiscoverySettings';
import type { DiscoveredClusterSpec, ParsedClusterEntity } from './types';

/** The fields of a catalog entity discovery reads (structurally a Backstage `Entity`). */
export interface ClusterEntity {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    title?: string;
    annotations?: Record<string, string>;
  };
  spec?: { type?: unknown } & Record<string, unknown>;
}

/** Default schedule of the Postgres base backups (the seed's `pg_backup_schedule`). */
export const DEFAULT_POSTGRES_BACKUP_SCHEDULE = '0 1 * * *';

const CREDENTIAL_KEY = /(token|passw|secret|credential|private|api-?key|auth)/i;
const CREDENTIAL_VALUE = [
  /-----BEGIN [A-Z ]*KEY-----/,
  /\bya29\.[\w-]+/,
  /\beyJ[\w-]{8,}\.[\w-]{8,}/,
  /"private_key"/,
  /\b(gh[pousr]|glpat)[_-][\w]{16,}/,
];
const REALM_NAME = /^[A-Za-z0-9][-_.A-Za-z0-9]{0,254}$/;
const BUCKET_NAME = /^[a-z0-9][-_.a-z0-9]{1,61}[a-z0-9]$/;
const PREFIX = /^[A-Za-z0-9][-_.A-Za-z0-9]*(\/[A-Za-z0-9][-_.A-Za-z0-9]*)*$/;
/** What `coder-platform.io/backup-bucket` must hold: a GCS bucket name. */
export const BACKUP_BUCKET_PATTERN = BUCKET_NAME;
/** What the backup prefix annotations must hold (and no `..`): a bucket prefix such as `coder/dev-eu1`. */
export const BACKUP_PREFIX_PATTERN = PREFIX;
const CRON_FIELD = /^[-*/,0-9A-Za-z]+$/;

function isCron(value: string): boolean {
  const fields = value.trim().split(/\s+/);
  return fields.length === 5 && fields.every(f => CRON_FIELD.test(f));
}

/**
 * Reads a catalog `Resource` of `spec.type: coder-cluster` into a cluster
 * spec of names and public URLs. Returns no spec (with a warning) when the
 * entity cannot name a trusted cluster: no valid `coder-platform.io/cluster`,
 * no GKE resource name in an allowed project, or an annotation that looks like
 * a credential (annotations carry names only). Any other bad annotation is
 * ignored on its own, with a warning naming the entity and the annotation.
 */
export function parseClusterEntity(
  entity: ClusterEntity,
  options: { allowedProjects: string[]; allowedHosts: string[] },
): ParsedClusterEntity {
  const ref = `${entity.kind.toLowerCase()}:${
    entity.metadata.namespace ?? 'default'
  }/${entity.metadata.name}`;
  const warnings: string[] = [];
  const warn = (field: string, problem: string) =>
    warnings.push(`coder-cluster ${ref}: annotation ${field} ${problem}`);
  const refuse = (field: string, problem: string): ParsedClusterEntity => {
    warn(field, `${problem}; the entity is ignored`);
    return { warnings };
  };
  if (
    entity.kind.toLowerCase() !== 'resource' ||
    entity.spec?.type !== CODER_CLUSTER_RESOURCE_TYPE
  ) {
    warnings.push(
      `coder-cluster ${ref}: not a Resource of spec.type ${CODER_CLUSTER_RESOURCE_TYPE}; ignored`,
    );
    return { warnings };
  }
  const annotations = entity.metadata.annotations ?? {};
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith('coder-platform.io/')) continue;
    if (CREDENTIAL_KEY.test(key.slice('coder-platform.io/'.length))) {
      return refuse(
        key,
        'names a credential; annotations carry names and public URLs only, credentials come from Secrets in the cluster',
      );
    }
    if (CREDENTIAL_VALUE.some(p => p.test(value))) {
      return refuse(
        key,
        'holds a value that looks like a credential (not shown); annotations carry names and public URLs only',
      );
    }
  }
  const get = (key: string) => {
    const v = annotations[key];
    return v === undefined ? undefined : v.trim();
  };

  const name = get(CLUSTER);
  if (name === undefined) return refuse(CLUSTER, 'is missing');
  if (!isValidClusterName(name)) {
    return refuse(
      CLUSTER,
      `"${name}" is not a cluster name (lowercase letters, digits and dashes, starting with a letter)`,
    );
  }
  const gkeName = get(GKE);
  if (gkeName === undefined) {
    return refuse(
      GKE,
      'is missing (the GKE resource name projects/<project>/locations/<location>/clusters/<name>)',
    );
  }
  const gke = parseGkeResourceName(gkeName);
  if (!gke) {
    return refuse(
      GKE,
      `"${gkeName}" is not a GKE resource name (projects/<project>/locations/<location>/clusters/<name>)`,
    );
  }
  if (!options.allowedProjects.includes(gke.project)) {
    return refuse(
      GKE,
      `names project "${gke.project}", which is not in coderPlatform.gke.allowedProjects`,
    );
  }

  const url = (key: string): string | undefined => {
    const value = get(key);
    if (value === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      warn(key, 'is not a URL; ignored');
      return undefined;
    }
    if (parsed.username || parsed.password) {
      warn(key, 'carries user info (a credential); ignored');
      return undefined;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      warn(key, `has protocol ${parsed.protocol}, not https; ignored`);
      return undefined;
    }
    if (parsed.search || parsed.hash) {
      warn(key, 'has a query or fragment; ignored');
      return undefined;
    }
    if (!isAllowedHost(parsed, options.allowedHosts)) {
      warn(
        key,
        `names host "${parsed.host}", which is not in coderPlatform.discovery.allowedHosts; ignored (the cluster's own Ingress is used)`,
      );
      return undefined;
    }
    return parsed.toString().replace(/\/$/, '');
  };
  const matching = (key: string, pattern: RegExp, what: string) => {
    const value = get(key);
    if (value === undefined) return undefined;
    if (!pattern.test(value) || value.includes('..')) {
      warn(key, `"${value}" is not ${what}; ignored`);
      return undefined;
    }
    return value;
  };

  const spec: DiscoveredClusterSpec = {
    name,
    title: entity.metadata.title ?? name,
    entityRef: ref,
    gke,
  };
  spec.coderUrl = url(CODER_URL);
  const keycloakUrl = url(KEYCLOAK_URL);
  const realm = matching(REALM, REALM_NAME, 'a Keycloak realm name');
  if (realm) spec.keycloak = { url: keycloakUrl, realm };
  else if (keycloakUrl) {
    warn(KEYCLOAK_URL, `is given without ${REALM}; ignored`);
  }
  const bucket = matching(BUCKET, BUCKET_NAME, 'a GCS bucket name');
  const pgPrefix = matching(PG_PREFIX, PREFIX, 'a bucket prefix');
  const resticPrefix = matching(RESTIC_PREFIX, PREFIX, 'a bucket prefix');
  let schedule = get(PG_SCHEDULE);
  if (schedule !== undefined && !isCron(schedule)) {
    warn(
      PG_SCHEDULE,
      `"${schedule}" is not a 5-field cron expression; ${DEFAULT_POSTGRES_BACKUP_SCHEDULE} is used`,
    );
    schedule = undefined;
  }
  if (bucket) {
    spec.backups = {
      bucket,
      postgres: pgPrefix
        ? {
            prefix: pgPrefix,
            schedule: schedule ?? DEFAULT_POSTGRES_BACKUP_SCHEDULE,
          }
        : undefined,
      resticPrefix,
    };
  } else if (pgPrefix || resticPrefix) {
    warn(
      pgPrefix ? PG_PREFIX : RESTIC_PREFIX,
      `is given without a valid ${BUCKET}; ignored`,
    );
  }
  return { spec, warnings };
}
