import { GcpContractServer } from '@coder-platform/testing';
import { fakeAuth } from '../../gcp/__testUtils__/harness';

export const GKE_PROJECT = 'acme-coder';
export const GKE_RESOURCE_NAME = `projects/${GKE_PROJECT}/locations/europe-west1/clusters/dev`;
/** The access token `fakeAuth()` holds: the backend's Google identity in tests. */
export const GOOGLE_TOKEN = 'contract-test-token';

/**
 * The GKE contract server with one RUNNING cluster whose endpoint is
 * `endpoint` (a local API server or recording server). Returns the app-config
 * blocks that trust its project and point the GKE client at it.
 */
export async function startGke(endpoint: string, ca?: string) {
  const gcp = await new GcpContractServer().start();
  // A real PEM (the REST contract server's), as GKE returns one.
  const caData = ca ?? Buffer.from(gcp.rest.certificate).toString('base64');
  gcp.grpc.clusters.set(GKE_RESOURCE_NAME, {
    name: 'dev',
    location: 'europe-west1',
    status: 'RUNNING',
    endpoint,
    masterAuth: { clusterCaCertificate: caData },
  });
  return {
    gcp,
    resourceName: GKE_RESOURCE_NAME,
    authClient: fakeAuth() as any,
    /** `coderPlatform.gcp` + `coderPlatform.gke` blocks. */
    config: {
      gcp: { endpoints: { container: gcp.endpointsConfig().container } },
      gke: { allowedProjects: [GKE_PROJECT] },
    },
    /** GetCluster calls the GKE API received. */
    getClusterCalls: () => gcp.calls.count('container.GetCluster'),
    stop: () => gcp.stop(),
  };
}
