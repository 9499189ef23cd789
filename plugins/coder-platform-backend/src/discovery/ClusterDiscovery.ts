import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterConfig,
  ClusterEntity,
  ClusterModel,
  DiscoverySettings,
  parseClusterEntity,
  redact,
  toClusterConfig,
} from '@coder-platform/plugin-coder-platform-node';

/** Where discovery reads `coder-cluster` Resources from (the catalog). */
export interface ClusterEntitySource {
  read(signal?: AbortSignal): Promise<ClusterEntity[]>;
}

/** Options of {@link ClusterDiscovery}. */
export interface ClusterDiscoveryOptions {
  source: ClusterEntitySource;
  model: ClusterModel;
  settings: DiscoverySettings;
  logger: LoggerService;
  /** Names of `coderPlatform.clusters[]`: they win over a discovered cluster of the same name. */
  configuredNames: () => string[];
  /** Receives the discovered clusters after each successful read of the catalog. */
  apply: (clusters: ClusterConfig[]) => void;
  /** Milliseconds clock for the on-demand bound; `Date.now` by default. */
  now?: () => number;
  /** Turns a spec into a cluster; the cluster model's `toClusterConfig` by default. */
  materialize?: typeof toClusterConfig;
}

/**
 * Clusters discovered from the catalog's `coder-cluster` Resources: each
 * entity is parsed into names and allowed URLs (`parseClusterEntity`), then
 * resolved through the cluster model (GKE resource name in an allowed
 * project, endpoint and CA from the GKE API, credentials from managed Secrets
 * in the cluster). Runs on the scheduler and, bounded, when a route names an
 * unknown cluster. A failed catalog read keeps the clusters already known.
 */
export class ClusterDiscovery {
  readonly #o: ClusterDiscoveryOptions;
  readonly #now: () => number;
  #inFlight?: Promise<void>;
  #lastStart?: number;
  #logged = new Set<string>();
  /** How many times the catalog was read (for tests and metrics). */
  reads = 0;

  constructor(options: ClusterDiscoveryOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  #warn(message: string) {
    // The scheduler repeats a pass every few minutes: say each problem once.
    if (this.#logged.has(message)) {
      this.#o.logger.debug(message);
    } else {
      this.#o.logger.warn(message);
    }
  }

  /** Reads the catalog now (or joins the read in flight). */
  refresh(): Promise<void> {
    if (!this.#inFlight) {
      this.#lastStart = this.#now();
      this.#inFlight = this.#run().finally(() => {
        this.#inFlight = undefined;
      });
    }
    return this.#inFlight;
  }

  /**
   * For a route naming an unknown cluster: reads the catalog unless a read
   * started less than `onDemandMinIntervalSeconds` ago (then joins it or
   * returns at once), so unknown names cannot make the backend hammer the
   * catalog and the clusters.
   */
  refreshIfStale(): Promise<void> {
    if (this.#inFlight) return this.#inFlight;
    const bound = this.#o.settings.onDemandMinIntervalSeconds * 1000;
    if (
      this.#lastStart !== undefined &&
      this.#now() - this.#lastStart < bound
    ) {
      return Promise.resolve();
    }
    return this.refresh();
  }

  async #run(): Promise<void> {
    const { source, model, settings, logger } = this.#o;
    const messages: string[] = [];
    let entities: ClusterEntity[];
    try {
      this.reads++;
      entities = await source.read();
    } catch (error) {
      this.#warn(
        `cluster discovery: reading coder-cluster Resources from the catalog failed, keeping the clusters known so far: ${redact(
          (error as Error).message ?? String(error),
        )}`,
      );
      return;
    }
    const configured = new Set(this.#o.configuredNames());
    const seen = new Map<string, string>();
    const clusters: ClusterConfig[] = [];
    for (const entity of entities) {
      const parsed = parseClusterEntity(entity, {
        allowedProjects: model.settings.gke.allowedProjects,
        allowedHosts: settings.allowedHosts,
      });
      messages.push(...parsed.warnings);
      const spec = parsed.spec;
      if (!spec) continue;
      if (configured.has(spec.name)) {
        messages.push(
          `coder-cluster ${spec.entityRef}: cluster "${spec.name}" is also in coderPlatform.clusters[]; the configured cluster wins and the entity is ignored`,
        );
        continue;
      }
      const other = seen.get(spec.name);
      if (other) {
        messages.push(
          `coder-cluster ${spec.entityRef}: cluster "${spec.name}" is already discovered from ${other}; the entity is ignored`,
        );
        continue;
      }
      seen.set(spec.name, spec.entityRef);
      try {
        const materialized = await (this.#o.materialize ?? toClusterConfig)(
          spec,
          model,
          settings,
        );
        messages.push(...materialized.warnings);
        clusters.push(materialized.cluster);
      } catch (error) {
        messages.push(
          `coder-cluster ${spec.entityRef}: ${redact(
            (error as Error).message ?? String(error),
          )}; the entity is ignored`,
        );
      }
    }
    messages.forEach(m => this.#warn(m));
    this.#logged = new Set(messages);
    this.#o.apply(clusters);
    logger.debug(
      `cluster discovery: ${clusters.length} cluster(s) from ${entities.length} coder-cluster Resource(s)`,
    );
  }
}
