import { isValidClusterName } from '@coder-platform/plugin-coder-platform-common';
import type { RequestHandler } from 'express';
import type { ClusterDiscovery } from './ClusterDiscovery';

/**
 * Express middleware in front of the routes: a path `/clusters/<name>...`
 * naming a cluster the backend does not know yet waits for a read of the
 * catalog (bounded by `coderPlatform.discovery.onDemandMinIntervalSeconds`),
 * so a cluster registered a moment ago answers without waiting for the
 * schedule. Invalid names never trigger a read.
 */
export function discoverOnDemand(
  known: (name: string) => boolean,
  discovery: Pick<ClusterDiscovery, 'refreshIfStale'>,
): RequestHandler {
  return (req, _res, next) => {
    const match = /^\/clusters\/([^/]+)/.exec(req.path);
    if (!match) {
      next();
      return;
    }
    const name = match[1];
    if (!isValidClusterName(name) || known(name)) {
      next();
      return;
    }
    discovery.refreshIfStale().then(
      () => next(),
      () => next(),
    );
  };
}
