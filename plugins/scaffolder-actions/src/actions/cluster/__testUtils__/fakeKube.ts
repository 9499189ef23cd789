import { startRecordingServer } from './recordingServer';

/**
 * A stand-in API server at the HTTP boundary that knows Secrets (and
 * optionally Zalando postgresql resources): discovery and GETs of the
 * Secrets in `secrets` ("ns/name" -> data).
 */
export async function startFakeKube(
  secrets: Record<string, Record<string, string>> = {},
  /** Zalando postgresql resources that exist ("ns/name"); their CRD is served when given. */
  postgresqls?: string[],
  /** Labels per Secret ("ns/name"); default the suite's managed label. */
  labels: Record<string, Record<string, string>> = {},
) {
  return startRecordingServer(req => {
    const path = (req.url ?? '/').split('?')[0];
    if (postgresqls && path === '/apis/acid.zalan.do/v1') {
      return {
        status: 200,
        body: {
          kind: 'APIResourceList',
          groupVersion: 'acid.zalan.do/v1',
          resources: [
            {
              name: 'postgresqls',
              singularName: 'postgresql',
              namespaced: true,
              kind: 'postgresql',
              verbs: ['get'],
            },
          ],
        },
      };
    }
    const pg =
      /^\/apis\/acid\.zalan\.do\/v1\/namespaces\/([^/]+)\/postgresqls\/([^/]+)$/.exec(
        path,
      );
    if (pg && postgresqls?.includes(`${pg[1]}/${pg[2]}`)) {
      return {
        status: 200,
        body: {
          apiVersion: 'acid.zalan.do/v1',
          kind: 'postgresql',
          metadata: { name: pg[2], namespace: pg[1], resourceVersion: '1' },
        },
      };
    }
    if (path === '/api/v1') {
      return {
        status: 200,
        body: {
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: [
            {
              name: 'secrets',
              singularName: 'secret',
              namespaced: true,
              kind: 'Secret',
              verbs: ['get', 'patch'],
            },
            {
              name: 'namespaces',
              singularName: 'namespace',
              namespaced: false,
              kind: 'Namespace',
              verbs: ['get', 'patch'],
            },
          ],
        },
      };
    }
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)$/.exec(path);
    const data =
      m && req.method === 'GET' ? secrets[`${m[1]}/${m[2]}`] : undefined;
    if (data) {
      return {
        status: 200,
        body: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: m![2],
            namespace: m![1],
            resourceVersion: '1',
            labels: labels[`${m![1]}/${m![2]}`] ?? {
              'coder-platform.io/managed': 'true',
            },
          },
          data: Object.fromEntries(
            Object.entries(data).map(([k, v]) => [
              k,
              Buffer.from(v).toString('base64'),
            ]),
          ),
        },
      };
    }
    return undefined;
  });
}

/** A `coderPlatform.clusters[]` entry for an API server at `url` (plain http, token auth). */
export const kubeClusterEntry = (
  name: string,
  url: string,
  extra: Record<string, unknown> = {},
) => ({
  name,
  kubernetes: {
    url,
    skipTLSVerify: true,
    auth: { type: 'token', token: 'cluster-token' },
  },
  ...extra,
});

/** app-config naming the fake as cluster `dev` (plain http, so TLS checks are off). */
export const fakeKubeConfig = (
  url: string,
  extra: Record<string, unknown> = {},
) => ({
  coderPlatform: {
    clusters: [kubeClusterEntry('dev', url, extra)],
  },
});
