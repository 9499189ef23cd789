import { InputError } from '@backstage/errors';
import {
  CoderApiError,
  CoderTarget,
} from '@coder-platform/plugin-coder-platform-node';
import { ClusterActionsOptions, resolveCluster } from './clusterAccess';

/** The Coder deployment of the cluster a template named: its URL comes from the model, never from input. */
export async function resolveCoder(
  cluster: unknown,
  options: ClusterActionsOptions,
): Promise<{
  target: CoderTarget;
  cluster: ReturnType<typeof resolveCluster>;
}> {
  const resolved = resolveCluster(cluster, options);
  const target = await resolved.coder().catch(error => {
    if (error instanceof InputError) throw error;
    throw new Error(
      `cluster "${resolved.name}": cannot find Coder: ${resolved.secrets.redact(
        (error as Error).message,
      )}`,
    );
  });
  return { target, cluster: resolved };
}

/**
 * `; the Coder of cluster "x" is unavailable …; run the task again …` when
 * Coder answered 429/5xx or the connection failed, else ''.
 */
export function coderUnavailableHint(cluster: string, error: unknown): string {
  const status = (error as { status?: number })?.status;
  const message = (error as Error)?.message ?? '';
  const unavailable =
    error instanceof CoderApiError
      ? status === 429 || (status ?? 0) >= 500
      : /fetch failed|terminated|socket|ECONN|timed? ?out|abort/i.test(message);
  return unavailable
    ? `; the Coder of cluster "${cluster}" is unavailable or not reachable (already retried): run the task again once it answers`
    : '';
}
