import { InputError } from '@backstage/errors';
import { CoderTarget } from '@coder-platform/plugin-coder-platform-node';
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
