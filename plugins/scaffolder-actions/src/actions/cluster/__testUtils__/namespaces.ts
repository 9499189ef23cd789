import { ObjectApi, isNotFound } from '../kubernetes';
import { uniqueName } from './peers';

/**
 * Namespaces (and cluster-scoped objects) a test file makes in the shared
 * API server, deleted in its `afterAll`: the local demo cluster of
 * `scripts/start-portal.sh` runs on the same server, and its Releases tab
 * lists every Helm release left in it. Deleting a namespace deletes the
 * Helm release Secrets in it; the kube peer's controller-manager finishes the
 * deletion.
 */
export function createdInPeer(api: ObjectApi) {
  const namespaces = new Set<string>();
  const clusterScoped: { apiVersion: string; kind: string; name: string }[] =
    [];
  return {
    /** A unique namespace name, deleted by `remove()`. */
    namespace(prefix: string): string {
      const name = uniqueName(prefix);
      namespaces.add(name);
      return name;
    },
    /** A cluster-scoped object (a CRD, say) the test creates, deleted by `remove()`. */
    clusterObject(apiVersion: string, kind: string, name: string): void {
      clusterScoped.push({ apiVersion, kind, name });
    },
    /** Deletes everything recorded; what is already gone is fine. */
    async remove(): Promise<void> {
      const objects = [
        ...clusterScoped,
        ...[...namespaces].map(name => ({
          apiVersion: 'v1',
          kind: 'Namespace',
          name,
        })),
      ];
      const failures: string[] = [];
      for (const { apiVersion, kind, name } of objects) {
        try {
          await api.delete({ apiVersion, kind, metadata: { name } });
        } catch (error) {
          if (!isNotFound(error)) failures.push(`${kind} ${name}`);
        }
      }
      if (failures.length > 0) {
        throw new Error(
          `could not delete from the kube peer: ${failures.join(', ')}`,
        );
      }
    },
  };
}
