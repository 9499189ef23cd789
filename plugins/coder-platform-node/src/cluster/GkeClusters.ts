import { ClusterManagerClient } from '@google-cloud/container';
import type { KubernetesServer } from './auth/types';
import { gaxEndpointOptions } from './gcpEndpoint';
import type { GoogleIdentity } from './GoogleIdentity';
import type { GcpEndpoint } from './types';

/**
 * Reads a GKE cluster's endpoint and CA from the GKE API with the backend's
 * own Google identity, honouring `coderPlatform.gcp.endpoints.container`.
 * One read, the client's own retries included, takes at most
 * `callTimeoutMs` (`coderPlatform.gcp.callTimeoutSeconds`): without a call
 * timeout the client retries an unanswered GetCluster for up to 600 s.
 */
export class GkeClusters {
  constructor(
    private readonly identity: GoogleIdentity,
    private readonly endpoint?: GcpEndpoint,
    private readonly callTimeoutMs: number = 60_000,
  ) {}

  async server(resourceName: string): Promise<KubernetesServer> {
    const client = new ClusterManagerClient({
      ...this.identity.gaxOptions(),
      ...gaxEndpointOptions(this.endpoint, 'grpc'),
    } as any);
    try {
      const [cluster] = await client.getCluster(
        { name: resourceName },
        // A call timeout also bounds the client's retries (gax caps their total at it).
        { timeout: this.callTimeoutMs },
      );
      const endpoint = cluster.endpoint;
      const caData = cluster.masterAuth?.clusterCaCertificate ?? undefined;
      if (!endpoint || !caData) {
        throw new Error(
          `GKE cluster ${resourceName} has no endpoint or CA yet (status ${
            cluster.status ?? 'unknown'
          }); wait until it is RUNNING`,
        );
      }
      return {
        url: /^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`,
        caData,
      };
    } catch (error) {
      const e = error as { code?: number; details?: string; message?: string };
      if (e.code === 4) {
        throw new Error(
          `the GKE API (container.googleapis.com) did not answer reading cluster ${resourceName} within ${
            this.callTimeoutMs / 1000
          } s (coderPlatform.gcp.callTimeoutSeconds): check the backend's network path to it, then try again`,
        );
      }
      if (e.code === 5) {
        throw new Error(`GKE cluster ${resourceName} does not exist`);
      }
      if (e.code === 7 || e.code === 16) {
        throw new Error(
          `the backend's Google identity may not read GKE cluster ${resourceName} (${
            e.details ?? e.message
          }): grant it roles/container.clusterViewer or more in that project`,
        );
      }
      throw error;
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}
