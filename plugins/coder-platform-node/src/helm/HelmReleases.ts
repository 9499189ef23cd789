import {
  ConfigurationOptions,
  CoreV1Api,
  KubeConfig,
  Observable,
  RequestContext,
  ResponseContext,
  V1Secret,
} from '@kubernetes/client-node';
import type { HelmReleaseInfo } from '@coder-platform/plugin-coder-platform-common';
import { CallOptions, gateOf } from '../callOptions';
import {
  decodeReleaseData,
  HELM_RELEASE_SECRET_TYPE,
  parseReleaseSecretName,
  toReleaseInfo,
} from './releaseSecrets';

export interface HelmReleasesOptions {
  /** Secrets per list page. Default 100 (release Secrets can be ~1 MiB each). */
  pageSize?: number;
  /** Only this namespace; all namespaces when absent. */
  namespace?: string;
  onRequest?: (operation: string) => void;
}

/**
 * Reads Helm releases from their release Secrets with the official
 * Kubernetes client, as `helm list -A` does, without the helm binary. Only the
 * newest revision of each release is decoded; the others are skipped by the
 * `version` label Helm sets.
 */
export class HelmReleases {
  readonly #core: CoreV1Api;
  readonly #options: HelmReleasesOptions;

  constructor(kubeConfig: KubeConfig, options: HelmReleasesOptions = {}) {
    this.#core = kubeConfig.makeApiClient(CoreV1Api);
    this.#options = options;
  }

  /** Every release's newest revision; the call's signal aborts the page request in flight. */
  async list(options: CallOptions = {}): Promise<HelmReleaseInfo[]> {
    const newest = new Map<string, V1Secret>();
    let continueToken: string | undefined;
    const fieldSelector = `type=${HELM_RELEASE_SECRET_TYPE}`;
    const labelSelector = 'owner=helm';
    const limit = this.#options.pageSize ?? 100;
    do {
      const token = continueToken;
      const page = await gateOf(options)('secrets.list', signal => {
        signal?.throwIfAborted();
        this.#options.onRequest?.('secrets.list');
        const withSignal = signalOption(signal);
        return this.#options.namespace
          ? this.#core.listNamespacedSecret(
              {
                namespace: this.#options.namespace,
                fieldSelector,
                labelSelector,
                limit,
                _continue: token,
              },
              withSignal,
            )
          : this.#core.listSecretForAllNamespaces(
              { fieldSelector, labelSelector, limit, _continue: token },
              withSignal,
            );
      });
      for (const secret of page.items) {
        const parsed = parseReleaseSecretName(secret.metadata?.name ?? '');
        if (!parsed) continue;
        const key = `${secret.metadata?.namespace}/${parsed.release}`;
        const current = newest.get(key);
        const currentRevision = current
          ? parseReleaseSecretName(current.metadata!.name!)!.revision
          : -1;
        if (parsed.revision > currentRevision) newest.set(key, secret);
      }
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken);

    const releases: HelmReleaseInfo[] = [];
    for (const secret of newest.values()) {
      const data = secret.data?.release;
      if (!data) continue;
      releases.push(toReleaseInfo(decodeReleaseData(data)));
    }
    return releases.sort((a, b) =>
      `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
    );
  }
}

/**
 * Per-request options of the generated Kubernetes client that hand `signal`
 * to its fetch: an (observable) middleware appended to the configured ones.
 */
function signalOption(
  signal: AbortSignal | undefined,
): ConfigurationOptions | undefined {
  if (!signal) return undefined;
  return {
    middleware: [
      {
        pre: (context: RequestContext) => {
          context.setSignal(signal);
          return new Observable(Promise.resolve(context));
        },
        post: (context: ResponseContext) =>
          new Observable(Promise.resolve(context)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}
