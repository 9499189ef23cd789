// The kube peer's objects are read and written with the official client.
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  V1Secret,
} from '@kubernetes/client-node';
import { requirePeer } from '../peers/peersEnv';

/** Options every stand-in controller takes. */
export interface StandInOptions {
  /**
   * Namespaces it watches; default all of them. The kube peer is shared by
   * every test: tests of the stand-ins themselves watch their own
   * namespaces only.
   */
  namespaces?: string[];
  /** Kubeconfig of the cluster (default: the kube peer's admin). */
  kubeconfig?: string;
  /** Time between two passes over the namespaces (default 250 ms). */
  pollMs?: number;
}

/** A custom resource as the API returns it. */
export type CustomObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    generation?: number;
    labels?: Record<string, string>;
    [k: string]: unknown;
  };
  spec?: any;
  status?: any;
};

/** The group, version and plural of one custom resource type. */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
}

/** HTTP status of a Kubernetes client error (undefined for other errors). */
export function statusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/**
 * The clients and polling loop the stand-in controllers share: each pass
 * calls `pass` once per watched namespace; a failing pass is recorded in
 * {@link errors} and retried on the next one (a real controller requeues).
 */
export abstract class PollingStandIn {
  /** Errors of passes so far (messages, newest last). */
  readonly errors: string[] = [];
  protected readonly core: CoreV1Api;
  protected readonly custom: CustomObjectsApi;
  private readonly crds: ApiextensionsV1Api;
  private readonly statusSubresource = new Map<string, boolean>();
  private readonly namespaces?: string[];
  private readonly pollMs: number;
  private timer?: NodeJS.Timeout;
  private inPass?: Promise<void>;
  private stopped = true;
  private passes = 0;
  private passing = false;
  private passWaiters: Array<{ after: number; resolve: () => void }> = [];

  protected constructor(options: StandInOptions = {}) {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(
      options.kubeconfig ??
        requirePeer('kube', ['PEERS_KUBECONFIG']).PEERS_KUBECONFIG,
    );
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.crds = kubeConfig.makeApiClient(ApiextensionsV1Api);
    this.namespaces = options.namespaces && [...options.namespaces];
    this.pollMs = options.pollMs ?? 250;
  }

  /** One pass over one namespace (undefined: all namespaces). */
  protected abstract pass(namespace: string | undefined): Promise<void>;

  /**
   * Starts polling; resolves once the first pass has run (its errors, if
   * any, are in {@link errors}).
   */
  async start(): Promise<this> {
    if (!this.stopped) return this;
    this.stopped = false;
    const first = this.nextPass();
    const loop = async () => {
      this.passing = true;
      for (const namespace of this.namespaces ?? [undefined]) {
        if (this.stopped) break;
        try {
          await this.pass(namespace);
        } catch (error) {
          this.errors.push(
            `${namespace ?? 'all namespaces'}: ${
              (error as Error)?.message ?? String(error)
            }`,
          );
          if (this.errors.length > 50) this.errors.shift();
        }
      }
      this.passes += 1;
      this.passing = false;
      this.passWaiters = this.passWaiters.filter(w => {
        if (w.after >= this.passes) return true;
        w.resolve();
        return false;
      });
      if (!this.stopped)
        this.timer = setTimeout(() => {
          this.inPass = loop();
        }, this.pollMs);
    };
    this.inPass = loop();
    await first;
    return this;
  }

  /** Resolves once a whole pass has run after this call (for tests that assert "nothing happened"). */
  nextPass(): Promise<void> {
    // A pass already under way may have missed what the caller just did.
    const after = this.passes + (this.passing ? 2 : 1);
    return new Promise(resolve => this.passWaiters.push({ after, resolve }));
  }

  /** Stops polling; resolves once the pass in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inPass;
    this.passWaiters.forEach(w => w.resolve());
    this.passWaiters = [];
  }

  /**
   * The objects of one custom resource type in a namespace, or in all
   * (undefined); [] when its CRD is absent.
   */
  protected async list(
    type: ResourceType,
    namespace: string | undefined,
  ): Promise<CustomObject[]> {
    try {
      const list = (await (namespace
        ? this.custom.listNamespacedCustomObject({ ...type, namespace })
        : this.custom.listClusterCustomObject(type))) as {
        items?: CustomObject[];
      };
      return list.items ?? [];
    } catch (error) {
      if (statusOf(error) === 404) return [];
      throw error;
    }
  }

  /**
   * Writes `status` of an object: through the status subresource when its
   * CRD has one (as a controller must), else with the object itself.
   */
  protected async writeStatus(
    type: ResourceType,
    object: CustomObject,
    status: Record<string, unknown>,
  ): Promise<void> {
    const body = { ...object, status };
    const ref = {
      ...type,
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      body,
    };
    if (await this.hasStatusSubresource(type))
      await this.custom.replaceNamespacedCustomObjectStatus(ref);
    else await this.custom.replaceNamespacedCustomObject(ref);
  }

  private async hasStatusSubresource(type: ResourceType): Promise<boolean> {
    const key = `${type.plural}.${type.group}/${type.version}`;
    const known = this.statusSubresource.get(key);
    if (known !== undefined) return known;
    const crd = await this.crds.readCustomResourceDefinition({
      name: `${type.plural}.${type.group}`,
    });
    const has = Boolean(
      crd.spec.versions.find(v => v.name === type.version)?.subresources
        ?.status,
    );
    this.statusSubresource.set(key, has);
    return has;
  }

  /** A Secret, or undefined when absent. */
  protected async readSecret(
    namespace: string,
    name: string,
  ): Promise<V1Secret | undefined> {
    try {
      return await this.core.readNamespacedSecret({ namespace, name });
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Creates or replaces a Secret. */
  protected async writeSecret(secret: V1Secret): Promise<void> {
    const namespace = secret.metadata!.namespace!;
    const name = secret.metadata!.name!;
    const existing = await this.readSecret(namespace, name);
    if (!existing) {
      await this.core.createNamespacedSecret({ namespace, body: secret });
      return;
    }
    await this.core.replaceNamespacedSecret({
      namespace,
      name,
      body: {
        ...secret,
        metadata: {
          ...secret.metadata,
          resourceVersion: existing.metadata?.resourceVersion,
        },
      },
    });
  }
}
