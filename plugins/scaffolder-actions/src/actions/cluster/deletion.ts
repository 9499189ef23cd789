import { InputError } from '@backstage/errors';
import { KubernetesObject } from '@kubernetes/client-node';
import {
  describeObject,
  isNotFound,
  isTransientKubeError,
  kubeErrorMessage,
  ObjectApi,
} from './kubernetes';
import { sleep, throwIfAborted, withRetry } from './util';

/** One entry of the `objects` input of kubernetes:delete. */
export interface DeleteTarget {
  apiVersion?: string;
  kind: string;
  name?: string;
  names?: string[];
  namespace?: string;
  labelSelector?: string;
}

/** An object that exists (or existed), by identity only. */
export interface ObjectId {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** Namespaces a template must never delete. */
export const PROTECTED_NAMESPACES = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
];

type Live = KubernetesObject & {
  metadata?: { deletionTimestamp?: string | Date; finalizers?: string[] };
  spec?: { finalizers?: string[] };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; message?: string }[];
  };
};

/** The objects one entry names or selects; `unserved` when its API group is not served (CRD gone). */
export interface ResolvedTarget {
  existing: (ObjectId & { terminating: boolean })[];
  absent: ObjectId[];
  unserved?: string;
}

const ref = (id: ObjectId): KubernetesObject => ({
  apiVersion: id.apiVersion,
  kind: id.kind,
  metadata: { name: id.name, namespace: id.namespace },
});

async function readLive(
  api: ObjectApi,
  id: ObjectId,
  field: string,
): Promise<Live | undefined> {
  try {
    return await api.readOptional<Live>(ref(id));
  } catch (error) {
    throw new Error(
      `kubernetes:delete: ${field}: reading ${describeObject(
        ref(id),
      )} failed: ${kubeErrorMessage(error)}`,
    );
  }
}

/** Checks one entry and finds what it names: reads for names, a list for a selector. */
export async function resolveTarget(
  api: ObjectApi,
  target: DeleteTarget,
  field: string,
): Promise<ResolvedTarget> {
  const apiVersion = target.apiVersion ?? 'v1';
  const names = [
    ...(target.name ? [target.name] : []),
    ...(target.names ?? []),
  ];
  if (names.length > 0 === Boolean(target.labelSelector)) {
    throw new InputError(
      `kubernetes:delete: ${field}: give name/names or labelSelector, not ${
        names.length > 0 ? 'both' : 'neither'
      }`,
    );
  }
  let namespaced: boolean;
  try {
    namespaced = await api.isNamespaced(apiVersion, target.kind);
  } catch (error) {
    if (isNotFound(error)) {
      return {
        existing: [],
        absent: [],
        unserved: `the API server does not serve ${apiVersion} (its CRD is not installed), so there is no ${target.kind} to delete`,
      };
    }
    throw new InputError(
      `kubernetes:delete: ${field}: ${kubeErrorMessage(error)}`,
    );
  }
  if (namespaced && !target.namespace) {
    throw new InputError(
      `kubernetes:delete: ${field}.namespace is required: ${target.kind} is namespaced`,
    );
  }
  if (!namespaced && target.namespace) {
    throw new InputError(
      `kubernetes:delete: ${field}.namespace: ${target.kind} is cluster-scoped; remove namespace`,
    );
  }
  const protect = (name: string) => {
    if (target.kind === 'Namespace' && PROTECTED_NAMESPACES.includes(name)) {
      throw new InputError(
        `kubernetes:delete: ${field}: refusing to delete Namespace ${name} (a system namespace)`,
      );
    }
  };
  const id = (name: string): ObjectId => ({
    apiVersion,
    kind: target.kind,
    name,
    ...(namespaced ? { namespace: target.namespace } : {}),
  });
  const result: ResolvedTarget = { existing: [], absent: [] };
  if (target.labelSelector) {
    let items: Live[];
    try {
      const list = await withRetry(
        () =>
          api.list<Live>(
            apiVersion,
            target.kind,
            target.namespace,
            undefined,
            undefined,
            undefined,
            undefined,
            target.labelSelector,
          ),
        isTransientKubeError,
        { baseDelayMs: api.retryDelayMs },
      );
      items = list.items;
    } catch (error) {
      throw new Error(
        `kubernetes:delete: ${field}: listing ${
          target.kind
        } with labelSelector "${
          target.labelSelector
        }" failed: ${kubeErrorMessage(error)}`,
      );
    }
    for (const item of items) {
      const name = item.metadata!.name!;
      protect(name);
      result.existing.push({
        ...id(name),
        terminating: Boolean(item.metadata?.deletionTimestamp),
      });
    }
    return result;
  }
  for (const name of names) {
    protect(name);
    const live = await readLive(api, id(name), field);
    if (live) {
      result.existing.push({
        ...id(name),
        terminating: Boolean(live.metadata?.deletionTimestamp),
      });
    } else {
      result.absent.push(id(name));
    }
  }
  return result;
}

/** Sends the delete; `false` when the object was already gone. */
export async function deleteObject(
  api: ObjectApi,
  id: ObjectId,
  propagationPolicy: string,
): Promise<boolean> {
  try {
    await withRetry(
      () =>
        api.delete(
          ref(id),
          undefined,
          undefined,
          undefined,
          undefined,
          propagationPolicy,
        ),
      isTransientKubeError,
      { baseDelayMs: api.retryDelayMs },
    );
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    // A namespace already being deleted answers 409; the wait covers it.
    if ((error as { code?: number }).code === 409) return true;
    throw new Error(
      `kubernetes:delete: deleting ${describeObject(
        ref(id),
      )} failed: ${kubeErrorMessage(error)}`,
    );
  }
}

/** Why an object is still there: a namespace's failing conditions, or its finalizers. */
function lingering(live: Live): string {
  const reasons = (live.status?.conditions ?? [])
    .filter(c => c.status === 'True' && c.message)
    .map(c => `${c.type}: ${c.message}`);
  const finalizers = [
    ...(live.metadata?.finalizers ?? []),
    ...(live.spec?.finalizers ?? []),
  ];
  if (reasons.length > 0) return reasons.join('; ');
  if (finalizers.length > 0) return `finalizers ${finalizers.join(', ')}`;
  return live.metadata?.deletionTimestamp ? 'Terminating' : 'not deleted';
}

/** Polls until every object is gone; throws naming what is left and why. */
export async function waitUntilGone(
  api: ObjectApi,
  ids: ObjectId[],
  options: { timeoutMs: number; pollMs: number; signal?: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let left = [...ids];
  for (;;) {
    throwIfAborted(options.signal);
    const still: { id: ObjectId; live: Live }[] = [];
    for (const id of left) {
      const live = await readLive(api, id, 'waiting');
      if (live) still.push({ id, live });
    }
    if (still.length === 0) return;
    left = still.map(s => s.id);
    if (Date.now() >= deadline) {
      throw new Error(
        `kubernetes:delete: timed out after ${Math.round(
          options.timeoutMs / 1000,
        )}s waiting for ${still.length} object(s) to be deleted: ${still
          .map(s => `${describeObject(ref(s.id))} (${lingering(s.live)})`)
          .join(
            '; ',
          )}. A namespace that stays Terminating needs the cluster's controllers, or its finalizers removed`,
      );
    }
    await sleep(options.pollMs, options.signal);
  }
}
