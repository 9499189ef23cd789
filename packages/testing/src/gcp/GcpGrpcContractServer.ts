import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { dirname, join } from 'node:path';
import {
  DroppedConnection,
  GCP_CODES,
  GcpCallLog,
  GcpContractError,
  HungCall,
  OperationStore,
  serviceDisabledError,
} from './contract';

type Obj = Record<string, any>;

function protosOf(pkg: string): string {
  // The protos ship inside the official client packages: their main module
  // is build/src/index.js and the protos sit in build/protos.
  return join(dirname(require.resolve(pkg)), '..', 'protos');
}

const PROTO_FILES = {
  container: 'google/container/v1/cluster_service.proto',
  resourceManager: 'google/cloud/resourcemanager/v3/projects.proto',
  serviceUsage: 'google/api/serviceusage/v1/serviceusage.proto',
  operations: 'google/longrunning/operations.proto',
};

/** Which API each gRPC service belongs to (for disabled-API errors). */
const API_OF = {
  container: 'container.googleapis.com',
  resourcemanager: 'cloudresourcemanager.googleapis.com',
  serviceusage: 'serviceusage.googleapis.com',
  longrunning: 'serviceusage.googleapis.com',
} as const;

/** GKE versions the fake offers, newest first. */
export const GKE_VERSIONS = [
  '1.34.1-gke.1100',
  '1.33.5-gke.1200',
  '1.33.4-gke.1036',
  '1.32.9-gke.1100',
];

/** Services the fake Service Usage API knows about. */
export const KNOWN_SERVICES = [
  'compute.googleapis.com',
  'container.googleapis.com',
  'dns.googleapis.com',
  'secretmanager.googleapis.com',
  'iam.googleapis.com',
  'cloudresourcemanager.googleapis.com',
  'storage.googleapis.com',
  'serviceusage.googleapis.com',
  'logging.googleapis.com',
  'monitoring.googleapis.com',
];

const FAKE_CA = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nMIIC-contract-server-fake-ca\n-----END CERTIFICATE-----\n',
).toString('base64');

/**
 * Closes the HTTP/2 session a unary call came on (grpc-js keeps the stream on
 * the innermost intercepting call). False if grpc-js's internals moved.
 */
function dropSession(call: unknown): boolean {
  let current: any = (call as any)?.call;
  for (let depth = 0; current && depth < 5; depth++) {
    const session = current.stream?.session;
    if (session && typeof session.destroy === 'function') {
      session.destroy();
      return true;
    }
    current = current.nextCall ?? current.call;
  }
  return false;
}

/**
 * The Kubernetes API server a created GKE cluster reports, as the GKE API
 * does: `endpoint` (a host[:port], or a URL) and `caCertificate`, the
 * base64 of its CA's PEM (`masterAuth.clusterCaCertificate`).
 */
export type ClusterApiServer = { endpoint: string; caCertificate: string };

/** Options of the gRPC contract server. */
export type GcpGrpcContractServerOptions = {
  /**
   * The API server every cluster created from then on reports (for a real
   * run against a local API server); without it each cluster reports
   * `10.<n>.0.2` and a CA that is not a certificate.
   */
  clusterApiServer?: ClusterApiServer;
  /** Polls a long-running operation needs before it is done (default 2). */
  pollsToComplete?: number;
  /** Shared call log (so REST and gRPC servers count together). */
  calls?: GcpCallLog;
  /** APIs that answer as disabled (PERMISSION_DENIED, SERVICE_DISABLED). */
  disabledApis?: Set<string>;
};

/**
 * A gRPC server speaking GKE ClusterManager (container/v1), Resource Manager
 * Projects (v3, IAM policy), Service Usage (v1) and google.longrunning
 * Operations, loaded from the protos shipped in the official client packages.
 * State is in memory; operations complete after `pollsToComplete` polls.
 */
export class GcpGrpcContractServer {
  readonly calls: GcpCallLog;
  readonly disabledApis: Set<string>;
  /** GKE clusters by `projects/p/locations/l/clusters/c`. */
  readonly clusters = new Map<string, Obj>();
  /** Enabled services by `projects/p` → service names. */
  readonly enabledServices = new Map<string, Set<string>>();
  /** Services that exist (others answer as Google does for an unknown name). */
  readonly knownServices = new Set<string>(KNOWN_SERVICES);
  /** Project IAM policies by `projects/p`. */
  readonly policies = new Map<
    string,
    {
      version: number;
      bindings: Array<{ role: string; members: string[] }>;
      etag: number;
    }
  >();
  pollsToComplete: number;
  /**
   * The API server clusters created from now on report (see
   * {@link GcpGrpcContractServerOptions.clusterApiServer}); settable at any
   * time, e.g. once a proxy in front of the local API server is up.
   */
  clusterApiServer?: ClusterApiServer;
  private readonly server = new grpc.Server();
  private readonly gkeOps: OperationStore;
  private readonly gkeOpInfo = new Map<string, Obj>();
  private readonly lroOps: OperationStore;
  private port = 0;

  constructor(options: GcpGrpcContractServerOptions = {}) {
    this.calls = options.calls ?? new GcpCallLog();
    this.disabledApis = options.disabledApis ?? new Set();
    this.pollsToComplete = options.pollsToComplete ?? 2;
    this.clusterApiServer = options.clusterApiServer;
    this.gkeOps = new OperationStore(() => this.pollsToComplete);
    this.lroOps = new OperationStore(() => this.pollsToComplete);
    const includeDirs = [
      protosOf('@google-cloud/container'),
      protosOf('@google-cloud/resource-manager'),
      protosOf('@google-cloud/service-usage'),
      protosOf('google-gax'),
    ];
    const definition = protoLoader.loadSync(Object.values(PROTO_FILES), {
      includeDirs,
      keepCase: false,
      longs: Number,
      enums: String,
      defaults: false,
      oneofs: true,
    });
    const loaded = grpc.loadPackageDefinition(definition) as any;
    this.server.addService(
      loaded.google.container.v1.ClusterManager.service,
      this.wrap('container', this.containerHandlers()),
    );
    this.server.addService(
      loaded.google.cloud.resourcemanager.v3.Projects.service,
      this.wrap('resourcemanager', this.projectsHandlers()),
    );
    this.server.addService(
      loaded.google.api.serviceusage.v1.ServiceUsage.service,
      this.wrap('serviceusage', this.serviceUsageHandlers()),
    );
    this.server.addService(
      loaded.google.longrunning.Operations.service,
      this.wrap('longrunning', this.operationsHandlers()),
    );
  }

  /** Starts listening on 127.0.0.1 (port 0 picks a free one). */
  async start(port = 0): Promise<number> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(
        `127.0.0.1:${port}`,
        grpc.ServerCredentials.createInsecure(),
        (err, bound) => (err ? reject(err) : resolve(bound)),
      ),
    );
    return this.port;
  }

  /** The port the server listens on. */
  get listeningPort(): number {
    return this.port;
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    this.calls.releaseHung();
    await new Promise<void>(resolve =>
      this.server.tryShutdown(() => resolve()),
    );
  }

  /** Marks services as enabled for a project (as if done earlier). */
  enableServices(project: string, services: string[]): void {
    const set =
      this.enabledServices.get(`projects/${project}`) ?? new Set<string>();
    services.forEach(s => set.add(s));
    this.enabledServices.set(`projects/${project}`, set);
  }

  private wrap(
    api: keyof typeof API_OF,
    handlers: Record<
      string,
      (req: Obj, md: grpc.Metadata) => Obj | Promise<Obj>
    >,
  ) {
    const wrapped: grpc.UntypedServiceImplementation = {};
    for (const [method, handler] of Object.entries(handlers)) {
      wrapped[method] = (
        call: grpc.ServerUnaryCall<Obj, Obj>,
        callback: grpc.sendUnaryData<Obj>,
      ) => {
        const rpc = `${api}.${method[0].toUpperCase()}${method.slice(1)}`;
        Promise.resolve()
          .then(() => {
            this.calls.enter(rpc);
            if (this.disabledApis.has(API_OF[api])) {
              throw serviceDisabledError(
                API_OF[api],
                projectOf(call.request) ?? 'unknown',
              );
            }
            return handler(call.request, call.metadata);
          })
          .then(
            response => callback(null, response),
            error => {
              if (error instanceof DroppedConnection && dropSession(call))
                return;
              if (error instanceof HungCall) {
                // No answer: the client's deadline (or clearing the faults) ends it.
                const forget = this.calls.hold(() =>
                  callback({
                    code: GCP_CODES.UNAVAILABLE.grpc,
                    details: 'the hung call was closed by the contract server',
                    metadata: new grpc.Metadata(),
                  }),
                );
                call.once('cancelled', forget);
                return;
              }
              const e =
                error instanceof GcpContractError
                  ? error
                  : new GcpContractError(
                      'INTERNAL',
                      String(error?.stack ?? error),
                    );
              callback({
                code: GCP_CODES[e.code].grpc,
                details: e.message,
                metadata: new grpc.Metadata(),
              });
            },
          );
      };
    }
    return wrapped;
  }

  // ---------------------------------------------------------------- GKE

  private gkeOperation(
    location: string,
    project: string,
    type: string,
    target: string,
    complete: () => void,
  ): Obj {
    const op = this.gkeOps.start('', complete);
    const info = {
      name: op.name,
      zone: location,
      location,
      operationType: type,
      selfLink: `https://container.googleapis.com/v1/projects/${project}/locations/${location}/operations/${op.name}`,
      targetLink: target,
      startTime: new Date().toISOString(),
    };
    this.gkeOpInfo.set(op.name, info);
    return this.renderGkeOp(op.name)!;
  }

  private renderGkeOp(name: string, poll = false): Obj | undefined {
    const info = this.gkeOpInfo.get(name);
    const op = poll ? this.gkeOps.poll(name) : this.gkeOps.get(name);
    if (!info || !op) return undefined;
    return {
      ...info,
      status: op.done ? 'DONE' : 'RUNNING',
      ...(op.error
        ? {
            error: {
              code: GCP_CODES[op.error.code].grpc,
              message: op.error.message,
            },
          }
        : {}),
      ...(op.done ? { endTime: new Date().toISOString() } : {}),
    };
  }

  private cluster(name: string): Obj {
    const c = this.clusters.get(name);
    if (!c) {
      const [, project, , location, , id] = name.split('/');
      throw new GcpContractError(
        'NOT_FOUND',
        `Not found: projects/${project}/locations/${location}/clusters/${id}.`,
      );
    }
    return c;
  }

  private requireIdle(cluster: Obj) {
    if (cluster.status !== 'RUNNING') {
      throw new GcpContractError(
        'FAILED_PRECONDITION',
        `Cluster is running incompatible operation ${
          cluster.currentOperation ?? ''
        }.`,
      );
    }
  }

  private clusterMutation(
    name: string,
    type: string,
    mutate: (c: Obj) => void,
  ): Obj {
    const c = this.cluster(name);
    this.requireIdle(c);
    const [, project, , location] = name.split('/');
    c.status = 'RECONCILING';
    const op = this.gkeOperation(location, project, type, c.selfLink, () => {
      mutate(c);
      c.status = 'RUNNING';
      delete c.currentOperation;
    });
    c.currentOperation = op.name;
    return op;
  }

  private containerHandlers() {
    const nodePoolOf = (name: string) => {
      const [clusterName, pool] = name.split('/nodePools/');
      const c = this.cluster(clusterName);
      const np = (c.nodePools as Obj[]).find(p => p.name === pool);
      if (!np) throw new GcpContractError('NOT_FOUND', `Not found: ${name}.`);
      return { c, np, clusterName };
    };
    return {
      getServerConfig: (req: Obj) => {
        const location = req.name.split('/')[3];
        const channel = (c: string, i: number) => ({
          channel: c,
          defaultVersion: GKE_VERSIONS[i],
          validVersions: GKE_VERSIONS.slice(i),
        });
        void location;
        return {
          defaultClusterVersion: GKE_VERSIONS[1],
          validMasterVersions: GKE_VERSIONS,
          validNodeVersions: GKE_VERSIONS,
          defaultImageType: 'COS_CONTAINERD',
          validImageTypes: ['COS_CONTAINERD', 'UBUNTU_CONTAINERD'],
          channels: [
            channel('RAPID', 0),
            channel('REGULAR', 1),
            channel('STABLE', 2),
          ],
        };
      },
      getCluster: (req: Obj) => {
        const c = this.cluster(req.name);
        const { currentOperation: _omit, ...rest } = c;
        return rest;
      },
      listClusters: (req: Obj) => ({
        clusters: [...this.clusters.entries()]
          .filter(([k]) => k.startsWith(`${req.parent}/`))
          .map(([, c]) => c),
      }),
      createCluster: (req: Obj) => {
        const cluster = req.cluster ?? {};
        const [, project, , location] = String(req.parent).split('/');
        if (!cluster.name)
          throw new GcpContractError(
            'INVALID_ARGUMENT',
            'Cluster.name must be set.',
          );
        const name = `${req.parent}/clusters/${cluster.name}`;
        if (this.clusters.has(name)) {
          throw new GcpContractError(
            'ALREADY_EXISTS',
            `Already exists: projects/${project}/locations/${location}/clusters/${cluster.name}.`,
          );
        }
        if (!cluster.nodePools?.length && !cluster.initialNodeCount) {
          throw new GcpContractError(
            'INVALID_ARGUMENT',
            'Cluster.initial_node_count must be greater than zero.',
          );
        }
        const channel = cluster.releaseChannel?.channel ?? 'REGULAR';
        const version = cluster.initialClusterVersion || GKE_VERSIONS[1];
        const stored: Obj = {
          ...cluster,
          location,
          zone: location,
          status: 'PROVISIONING',
          selfLink: `https://container.googleapis.com/v1/projects/${project}/locations/${location}/clusters/${cluster.name}`,
          endpoint:
            this.clusterApiServer?.endpoint ??
            `10.${this.clusters.size % 250}.0.2`,
          currentMasterVersion: version,
          currentNodeVersion: version,
          releaseChannel: { channel },
          masterAuth: {
            clusterCaCertificate:
              this.clusterApiServer?.caCertificate ?? FAKE_CA,
          },
          createTime: new Date().toISOString(),
          nodePools: (cluster.nodePools ?? []).map((p: Obj) => ({
            ...p,
            version,
            status: 'PROVISIONING',
            selfLink: `${name}/nodePools/${p.name}`,
          })),
        };
        this.clusters.set(name, stored);
        const op = this.gkeOperation(
          location,
          project,
          'CREATE_CLUSTER',
          stored.selfLink,
          () => {
            stored.status = 'RUNNING';
            stored.nodePools.forEach((p: Obj) => (p.status = 'RUNNING'));
            delete stored.currentOperation;
          },
        );
        stored.currentOperation = op.name;
        return op;
      },
      deleteCluster: (req: Obj) => {
        const c = this.cluster(req.name);
        this.requireIdle(c);
        const [, project, , location] = req.name.split('/');
        c.status = 'STOPPING';
        return this.gkeOperation(
          location,
          project,
          'DELETE_CLUSTER',
          c.selfLink,
          () => this.clusters.delete(req.name),
        );
      },
      listOperations: (req: Obj) => {
        // parent projects/p/locations/l; '-' lists every location.
        const [, project, , location] = String(req.parent).split('/');
        const operations = [...this.gkeOpInfo.values()]
          .filter(
            info =>
              String(info.selfLink).includes(`/projects/${project}/`) &&
              (location === '-' || info.location === location),
          )
          .map(info => this.renderGkeOp(info.name)!);
        return { operations };
      },
      getOperation: (req: Obj) => {
        const opName = String(req.name).split('/').pop()!;
        const op = this.renderGkeOp(opName, true);
        if (!op)
          throw new GcpContractError(
            'NOT_FOUND',
            `Not found: operation ${opName}.`,
          );
        return op;
      },
      updateCluster: (req: Obj) =>
        this.clusterMutation(req.name, 'UPDATE_CLUSTER', c => {
          const u = req.update ?? {};
          if (u.desiredReleaseChannel)
            c.releaseChannel = u.desiredReleaseChannel;
          if (u.desiredWorkloadIdentityConfig)
            c.workloadIdentityConfig = u.desiredWorkloadIdentityConfig;
          if (u.desiredAddonsConfig)
            c.addonsConfig = { ...c.addonsConfig, ...u.desiredAddonsConfig };
          if (u.desiredMasterVersion)
            c.currentMasterVersion = u.desiredMasterVersion;
          if (u.desiredNodePoolAutoscaling && u.desiredNodePoolId) {
            const np = (c.nodePools as Obj[]).find(
              p => p.name === u.desiredNodePoolId,
            );
            if (np) np.autoscaling = u.desiredNodePoolAutoscaling;
          }
        }),
      setNetworkPolicy: (req: Obj) =>
        this.clusterMutation(req.name, 'SET_NETWORK_POLICY', c => {
          c.networkPolicy = req.networkPolicy;
        }),
      setNodePoolAutoscaling: (req: Obj) => {
        const { clusterName, np } = nodePoolOf(req.name);
        return this.clusterMutation(
          clusterName,
          'SET_NODE_POOL_MANAGEMENT',
          () => {
            np.autoscaling = req.autoscaling;
          },
        );
      },
      updateNodePool: (req: Obj) => {
        const { clusterName, np } = nodePoolOf(req.name);
        return this.clusterMutation(clusterName, 'UPDATE_NODE_POOL', () => {
          np.config = { ...np.config };
          if (req.labels) np.config.labels = req.labels.labels ?? {};
          if (req.taints) np.config.taints = req.taints.taints ?? [];
          if (req.tags) np.config.tags = req.tags.tags ?? [];
          if (req.machineType) np.config.machineType = req.machineType;
          if (req.diskSizeGb) np.config.diskSizeGb = Number(req.diskSizeGb);
          if (req.nodeVersion && req.nodeVersion !== '-')
            np.version = req.nodeVersion;
        });
      },
      createNodePool: (req: Obj) => {
        const c = this.cluster(req.parent);
        if ((c.nodePools as Obj[]).some(p => p.name === req.nodePool?.name)) {
          throw new GcpContractError(
            'ALREADY_EXISTS',
            `Already exists: ${req.parent}/nodePools/${req.nodePool.name}.`,
          );
        }
        return this.clusterMutation(req.parent, 'CREATE_NODE_POOL', cl => {
          cl.nodePools.push({
            ...req.nodePool,
            version: cl.currentMasterVersion,
            status: 'RUNNING',
            selfLink: `${req.parent}/nodePools/${req.nodePool.name}`,
          });
        });
      },
      deleteNodePool: (req: Obj) => {
        const { clusterName } = nodePoolOf(req.name);
        const pool = req.name.split('/nodePools/')[1];
        return this.clusterMutation(clusterName, 'DELETE_NODE_POOL', cl => {
          cl.nodePools = (cl.nodePools as Obj[]).filter(p => p.name !== pool);
        });
      },
    };
  }

  // ---------------------------------------------------- Resource Manager

  private policy(resource: string) {
    let p = this.policies.get(resource);
    if (!p) {
      p = { version: 1, bindings: [], etag: 1 };
      this.policies.set(resource, p);
    }
    return p;
  }

  private projectsHandlers() {
    const render = (p: { version: number; bindings: Obj[]; etag: number }) => ({
      version: p.version,
      bindings: p.bindings.map(b => ({
        role: b.role,
        members: [...b.members],
      })),
      etag: Buffer.from(`BwY${p.etag}`),
    });
    return {
      getIamPolicy: (req: Obj) => render(this.policy(req.resource)),
      setIamPolicy: (req: Obj) => {
        const current = this.policy(req.resource);
        const etag = req.policy?.etag
          ? Buffer.from(req.policy.etag).toString()
          : '';
        if (etag && etag !== `BwY${current.etag}`) {
          throw new GcpContractError(
            'ABORTED',
            'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.',
          );
        }
        current.bindings = (req.policy?.bindings ?? []).map((b: Obj) => ({
          role: b.role,
          members: [...(b.members ?? [])],
        }));
        current.version = req.policy?.version ?? current.version;
        current.etag += 1;
        return render(current);
      },
      getProject: (req: Obj) => ({
        name: req.name,
        projectId: String(req.name).split('/')[1],
        state: 'ACTIVE',
        displayName: String(req.name).split('/')[1],
      }),
    };
  }

  // -------------------------------------------------------- Service Usage

  private serviceUsageHandlers() {
    const projectKey = (parent: string) =>
      `projects/${String(parent).split('/')[1]}`;
    const render = (parent: string, service: string) => ({
      name: `${parent}/services/${service}`,
      parent,
      config: { name: service, title: service.split('.')[0] },
      state: this.enabledServices.get(projectKey(parent))?.has(service)
        ? 'ENABLED'
        : 'DISABLED',
    });
    return {
      getService: (req: Obj) => {
        const [, project, , service] = String(req.name).split('/');
        return render(`projects/${project}`, service);
      },
      batchGetServices: (req: Obj) => ({
        services: (req.names ?? []).map((n: string) => {
          const [, project, , service] = n.split('/');
          return render(`projects/${project}`, service);
        }),
      }),
      listServices: (req: Obj) => {
        const set =
          this.enabledServices.get(projectKey(req.parent)) ?? new Set<string>();
        return { services: [...set].map(s => render(req.parent, s)) };
      },
      batchEnableServices: (req: Obj) => {
        const ids: string[] = req.serviceIds ?? [];
        const unknown = ids.filter(id => !this.knownServices.has(id));
        if (unknown.length) {
          throw new GcpContractError(
            'PERMISSION_DENIED',
            `Not found or permission denied for service(s): ${unknown.join(
              ', ',
            )}.`,
          );
        }
        if (ids.length > 20)
          throw new GcpContractError(
            'INVALID_ARGUMENT',
            'At most 20 services can be enabled at once.',
          );
        const key = projectKey(req.parent);
        const op = this.lroOps.start('operations/acf.p2-', () => {
          const set = this.enabledServices.get(key) ?? new Set<string>();
          ids.forEach(id => set.add(id));
          this.enabledServices.set(key, set);
        });
        return this.renderLro(op.name)!;
      },
    };
  }

  private renderLro(name: string, poll = false): Obj | undefined {
    const op = poll ? this.lroOps.poll(name) : this.lroOps.get(name);
    if (!op) return undefined;
    return {
      name: op.name,
      done: op.done,
      ...(op.done && !op.error
        ? {
            response: {
              typeUrl:
                'type.googleapis.com/google.api.serviceusage.v1.BatchEnableServicesResponse',
              value: Buffer.alloc(0),
            },
          }
        : {}),
      ...(op.error
        ? {
            error: {
              code: GCP_CODES[op.error.code].grpc,
              message: op.error.message,
            },
          }
        : {}),
    };
  }

  private operationsHandlers() {
    return {
      getOperation: (req: Obj) => {
        const op = this.renderLro(req.name, true);
        if (!op)
          throw new GcpContractError(
            'NOT_FOUND',
            `Operation ${req.name} not found.`,
          );
        return op;
      },
    };
  }
}

function projectOf(request: Obj): string | undefined {
  for (const key of ['name', 'parent', 'resource']) {
    const m = /projects\/([^/]+)/.exec(String(request?.[key] ?? ''));
    if (m) return m[1];
  }
  return undefined;
}
