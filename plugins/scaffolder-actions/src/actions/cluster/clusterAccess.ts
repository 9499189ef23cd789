import { Config } from '@backstage/config';
import type { Bucket } from '@google-cloud/storage';
import {
  ClusterModel,
  MANAGED_LABELS,
  ResolvedCluster,
} from '@coder-platform/plugin-coder-platform-node';
import { KubeConfig } from '@kubernetes/client-node';
import type { AuthClient } from 'google-auth-library';

/** What the cluster actions need besides their input. */
export interface ClusterActionsOptions {
  config: Config;
  /**
   * Replaces the backend's Google identity (Application Default Credentials
   * or `coderPlatform.gcp.keyFilename`) for the GKE API and GKE API servers,
   * e.g. a Workload Identity Federation client.
   */
  authClient?: AuthClient;
  /** How often long-running upstream jobs are polled, in ms (tests shorten it). */
  pollIntervalMs?: number;
  /** Replaces the GCS bucket handle the postgres guard reads (tests). */
  gcsBucket?: (name: string) => Bucket;
}

/** The field manager used for server-side apply, from config or `coder-platform`. */
export function fieldManager(config: Config): string {
  return (
    config.getOptionalString('coderPlatform.clusterActions.fieldManager') ??
    'coder-platform'
  );
}

/** Labels of every Secret the actions write: the suite's managed label, which makes it readable again. */
export const managedSecretLabels = MANAGED_LABELS;

const models = new WeakMap<ClusterActionsOptions, ClusterModel>();

/** The cluster model of these options (parsed once from app-config). */
export function clusterModel(options: ClusterActionsOptions): ClusterModel {
  let model = models.get(options);
  if (!model) {
    model = ClusterModel.fromConfig(options.config, {
      authClient: options.authClient,
    });
    models.set(options, model);
  }
  return model;
}

/**
 * Resolves a template's `cluster` input (a name of `coderPlatform.clusters`
 * or an allowed GKE resource name) to a target the backend trusts. Throws an
 * InputError naming `field` before any credential is used.
 */
export function resolveCluster(
  cluster: unknown,
  options: ClusterActionsOptions,
  field = 'cluster',
): ResolvedCluster {
  return clusterModel(options).resolve(cluster, field);
}

/** The kubeconfig of the cluster a template named (see {@link resolveCluster}). */
export async function resolveKubeConfig(
  cluster: unknown,
  options: ClusterActionsOptions,
  field = 'cluster',
): Promise<KubeConfig> {
  return resolveCluster(cluster, options, field).kubeConfig();
}

/** The part of an action context {@link plannedCluster} uses. */
export interface PlanContext {
  isDryRun?: boolean;
  logger: { info(message: string): void };
}

/**
 * In a dry run, whether `cluster` (resolved by {@link resolveCluster}) is an
 * allowed GKE resource name of a cluster the GKE API does not know yet (an
 * earlier `gcp:gke:cluster` step only planned it). Then it logs
 * `cluster … is not created yet: would <plan>` and the action returns its
 * planned outputs without connecting. A real run answers `false` without
 * connecting (it then fails with "GKE cluster … does not exist" when it
 * connects); a configured or existing cluster answers `false`, and its
 * kubeconfig stays cached on `cluster` for the action.
 */
export async function plannedCluster(
  ctx: PlanContext,
  cluster: ResolvedCluster,
  plan: string,
): Promise<boolean> {
  if (!ctx.isDryRun || cluster.source !== 'gke' || !cluster.gke) return false;
  try {
    await cluster.kubeConfig();
    return false;
  } catch (error) {
    const name = cluster.gke.resourceName;
    if ((error as Error)?.message !== `GKE cluster ${name} does not exist`) {
      throw error;
    }
    ctx.logger.info(`cluster ${name} is not created yet: would ${plan}`);
    return true;
  }
}
