import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { parseObjectRef } from '../readClusterConfig';
import type { DiscoverySettings } from './types';

const HOST_PATTERN =
  /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?$/;

function positive(config: Config | undefined, key: string, fallback: number) {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError(
      `coderPlatform.discovery.${key} must be a positive integer, got ${value}`,
    );
  }
  return value;
}

/**
 * `coderPlatform.discovery`: whether and how often the backend reads the
 * catalog's `coder-cluster` Resources, the hosts their URL annotations may
 * name, and the Secrets (inside each discovered cluster) credentials come from.
 */
export function readDiscoverySettings(rootConfig: Config): DiscoverySettings {
  const d = rootConfig.getOptionalConfig('coderPlatform.discovery');
  const at = 'coderPlatform.discovery';
  const allowedHosts = (d?.getOptionalStringArray('allowedHosts') ?? []).map(
    (host, i) => {
      const h = host.toLowerCase();
      if (!HOST_PATTERN.test(h)) {
        throw new InputError(
          `${at}.allowedHosts[${i}] "${host}" is not a host, host:port or *.domain`,
        );
      }
      return h;
    },
  );
  const ref = (key: string, fallback: string) =>
    parseObjectRef(
      d?.getOptionalString(`secrets.${key}`) ?? fallback,
      `${at}.secrets.${key}`,
      true,
    );
  const coderToken = d?.getOptionalString('secrets.coderToken');
  return {
    enabled: d?.getOptionalBoolean('enabled') ?? true,
    frequencySeconds: positive(d, 'frequencySeconds', 300),
    onDemandMinIntervalSeconds: positive(d, 'onDemandMinIntervalSeconds', 30),
    allowedHosts,
    secrets: {
      coderToken: coderToken
        ? parseObjectRef(coderToken, `${at}.secrets.coderToken`, true)
        : undefined,
      keycloakClientId: ref(
        'keycloakClientId',
        'keycloak/coder-platform-reader/client-id',
      ),
      keycloakClientSecret: ref(
        'keycloakClientSecret',
        'keycloak/coder-platform-reader/client-secret',
      ),
      resticPassword: ref('resticPassword', 'coder/restic/password'),
    },
  };
}

/** Whether `url`'s host (and port) is one of `allowedHosts` (`*.domain` matches subdomains). */
export function isAllowedHost(url: URL, allowedHosts: string[]): boolean {
  const host = url.hostname.toLowerCase();
  return allowedHosts.some(entry => {
    const [pattern, port] = entry.split(':');
    if ((port ?? '') !== url.port) return false;
    return pattern.startsWith('*.')
      ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1
      : host === pattern;
  });
}
