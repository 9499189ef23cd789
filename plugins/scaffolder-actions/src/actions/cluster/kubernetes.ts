import {
  ApiException,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { MANAGED_LABELS } from '@coder-platform/plugin-coder-platform-node';
import { isTransient, sleep, throwIfAborted, withRetry } from './util';

/** An object with the fields server-side apply needs. */
export interface ManifestObject extends KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** `kind namespace/name` for logs and errors; never object contents. */
export function describeObject(obj: KubernetesObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata?.name}`;
}

/** The API server's own message from an ApiException body (a Status object). */
export function kubeErrorMessage(error: unknown): string {
  if (error instanceof ApiException) {
    let body: unknown = error.body;
    if (typeof error.body === 'string') {
      try {
        body = JSON.parse(error.body);
      } catch {
        return `HTTP ${error.code}: ${error.body.slice(0, 300)}`;
      }
    }
    const message = (body as { message?: string })?.message;
    return `HTTP ${error.code}: ${message ?? error.message.slice(0, 300)}`;
  }
  return (error as Error)?.message ?? String(error);
}

/** 429, 5xx and dropped connections from the API server are retried. */
export function isTransientKubeError(error: unknown): boolean {
  if (error instanceof ApiException) return isTransient(error.code);
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  return isTransient(undefined, e?.code ?? e?.cause?.code);
}

const UNAVAILABLE =
  /terminated|socket hang up|fetch failed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR|other side closed|unexpected EOF/i;

/**
 * Whether the API server itself failed (429/5xx) or the connection to it did
 * (refused, reset, cut mid-response), anywhere in the cause chain.
 */
export function isApiServerUnavailable(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (e instanceof ApiException) return isTransient(e.code);
    if (isTransient(undefined, e.code)) return true;
    if (typeof e.message === 'string' && UNAVAILABLE.test(e.message))
      return true;
  }
  return false;
}

/** What a platform engineer should read when the API server of `cluster` failed. */
export function apiServerUnavailableHint(cluster: string): string {
  return `the API server of cluster "${cluster}" failed or dropped the connection (already retried); run the task again once it answers: what was applied is kept and a re-run applies only what is missing`;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

/**
 * The official object client, plus resource discovery (is a kind namespaced?)
 * with the cache dropped when CRDs change.
 */
export class ObjectApi extends KubernetesObjectApi {
  static create(kc: KubeConfig): ObjectApi {
    return kc.makeApiClient(ObjectApi);
  }

  /** Whether `kind` in `apiVersion` is namespaced; throws when the server does not know it. */
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    const resource = await this.resource(apiVersion, kind);
    if (!resource) {
      throw new Error(
        `the API server has no resource for ${kind} in ${apiVersion} (is its CRD installed?)`,
      );
    }
    return resource.namespaced;
  }

  /** Forgets discovered resources, e.g. after new CRDs were established. */
  forgetDiscovery(): void {
    this.apiVersionResourceCache = {};
  }

  /** Reads an object, or `undefined` when it does not exist. */
  async readOptional<T extends KubernetesObject>(
    obj: KubernetesObject,
  ): Promise<T | undefined> {
    try {
      return await withRetry(
        async () =>
          (await this.read({
            apiVersion: obj.apiVersion!,
            kind: obj.kind!,
            metadata: {
              name: obj.metadata!.name!,
              namespace: obj.metadata?.namespace,
            },
          })) as T,
        isTransientKubeError,
        { baseDelayMs: this.retryDelayMs, signal: this.signal },
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** First retry delay in ms (tests shorten it). */
  retryDelayMs = 250;

  /** The task's signal: a cancelled task stops the call in flight and never retries it. */
  signal?: AbortSignal;

  /**
   * Server-side apply with our field manager. The body is sent as written:
   * the official `patch` re-serialises known kinds through its typed models,
   * which drops fields whose JSON names differ from the model's (for example
   * `x-kubernetes-preserve-unknown-fields` in a CRD schema).
   */
  async serverSideApply<T extends KubernetesObject>(
    obj: KubernetesObject & { [key: string]: unknown },
    manager: string,
    force = false,
  ): Promise<T> {
    const path = await this.specUriPath(obj, 'patch');
    const request = this.configuration.baseServer.makeRequestContext(
      path,
      'PATCH' as Parameters<
        typeof this.configuration.baseServer.makeRequestContext
      >[1],
    );
    request.setHeaderParam('Accept', 'application/json, */*;q=0.8');
    request.setHeaderParam('Content-Type', PatchStrategy.ServerSideApply);
    request.setQueryParam('fieldManager', manager);
    if (force) request.setQueryParam('force', 'true');
    request.setBody(JSON.stringify(obj));
    if (this.signal) request.setSignal(this.signal);
    // Apply is idempotent, so transient failures are retried (not after a cancel).
    return withRetry(
      async () => (await this.requestPromise(request)) as T,
      isTransientKubeError,
      { baseDelayMs: this.retryDelayMs, signal: this.signal },
    );
  }
}

/** Creates the namespace when missing (server-side apply); returns whether it was created. */
export async function ensureNamespace(
  api: ObjectApi,
  name: string,
  manager: string,
): Promise<boolean> {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
  if (await api.readOptional(ns)) return false;
  await api.serverSideApply(ns, manager);
  return true;
}

/** Waits until `status.conditions[type=condition].status` equals `status`. */
export async function waitForCondition(
  api: ObjectApi,
  obj: KubernetesObject,
  condition: string,
  options: {
    status?: string;
    timeoutMs: number;
    signal?: AbortSignal;
    pollMs?: number;
  },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const wanted = options.status ?? 'True';
  let last = 'not found';
  for (;;) {
    throwIfAborted(options.signal);
    const current = await api.readOptional<
      KubernetesObject & {
        status?: {
          conditions?: { type: string; status: string; message?: string }[];
        };
      }
    >(obj);
    const found = current?.status?.conditions?.find(c => c.type === condition);
    if (found?.status === wanted) return;
    last = current
      ? `${condition}=${found?.status ?? 'absent'}${
          found?.message ? ` (${found.message})` : ''
        }`
      : 'not found';
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${Math.round(
          options.timeoutMs / 1000,
        )}s waiting for ${describeObject(
          obj,
        )} to have ${condition}=${wanted}; last seen: ${last}`,
      );
    }
    await sleep(options.pollMs ?? 500, options.signal);
  }
}

/**
 * Writes string data into a Secret with server-side apply, creating the
 * namespace first. It carries `coder-platform.io/managed: "true"`. Returns whether anything changed. The values never leave
 * this function except to the API server.
 */
export async function applySecret(
  api: ObjectApi,
  target: { name: string; namespace: string },
  data: Record<string, string>,
  manager: string,
  labels: Record<string, string> = {},
): Promise<'created' | 'configured' | 'unchanged'> {
  await ensureNamespace(api, target.namespace, manager);
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: target.name,
      namespace: target.namespace,
      labels: {
        'app.kubernetes.io/managed-by': manager,
        ...labels,
        // Marks it as written by the suite: the actions may read it back.
        ...MANAGED_LABELS,
      },
    },
    type: 'Opaque',
    data: Object.fromEntries(
      Object.entries(data).map(([k, v]) => [
        k,
        Buffer.from(v).toString('base64'),
      ]),
    ),
  };
  const before = await api.readOptional(secret);
  const after = await api.serverSideApply(secret, manager, true);
  if (!before) return 'created';
  return before.metadata?.resourceVersion === after.metadata?.resourceVersion
    ? 'unchanged'
    : 'configured';
}

/** Reads one key of a Secret as text, or `undefined`. */
export async function readSecretValue(
  api: ObjectApi,
  target: { name: string; namespace: string },
  key: string,
): Promise<string | undefined> {
  const secret = await api.readOptional<
    KubernetesObject & { data?: Record<string, string> }
  >({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: target,
  });
  const value = secret?.data?.[key];
  return value === undefined
    ? undefined
    : Buffer.from(value, 'base64').toString('utf8');
}
