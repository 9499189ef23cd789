import { GcpCallLog, GcpFault } from './contract';
import {
  ClusterApiServer,
  GcpGrpcContractServer,
} from './GcpGrpcContractServer';
import { GcpRestContractServer } from './GcpRestContractServer';

/** Options of {@link GcpContractServer}. */
export type GcpContractServerOptions = {
  /** Polls a long-running operation needs before it is done (default 2). */
  pollsToComplete?: number;
  /**
   * The Kubernetes API server (endpoint and base64 PEM CA) every GKE
   * cluster created from then on reports; also settable later through
   * {@link GcpContractServer.clusterApiServer}.
   */
  clusterApiServer?: ClusterApiServer;
};

/**
 * Both GCP contract servers behind one handle: gRPC (GKE, Resource Manager,
 * Service Usage) and HTTPS REST (Compute, Cloud DNS, IAM), sharing one call
 * log, one fault queue and one set of disabled APIs.
 */
export class GcpContractServer {
  readonly calls = new GcpCallLog();
  readonly disabledApis = new Set<string>();
  readonly grpc: GcpGrpcContractServer;
  readonly rest: GcpRestContractServer;

  constructor(options: GcpContractServerOptions = {}) {
    const shared = {
      calls: this.calls,
      disabledApis: this.disabledApis,
      pollsToComplete: options.pollsToComplete,
    };
    this.grpc = new GcpGrpcContractServer({
      ...shared,
      clusterApiServer: options.clusterApiServer,
    });
    this.rest = new GcpRestContractServer(shared);
  }

  /** Starts both servers and trusts the REST server's certificate in this process. */
  async start(): Promise<this> {
    await Promise.all([this.grpc.start(), this.rest.start()]);
    this.rest.trustCertificate();
    return this;
  }

  /** Stops both servers. */
  async stop(): Promise<void> {
    await Promise.all([this.grpc.stop(), this.rest.stop()]);
  }

  /** Sets how many polls a new long-running operation needs. */
  set pollsToComplete(polls: number) {
    this.grpc.pollsToComplete = polls;
    this.rest.pollsToComplete = polls;
  }

  /** The API server GKE clusters created from now on report (undefined: a fake one each). */
  set clusterApiServer(apiServer: ClusterApiServer | undefined) {
    this.grpc.clusterApiServer = apiServer;
  }

  get clusterApiServer(): ClusterApiServer | undefined {
    return this.grpc.clusterApiServer;
  }

  /** Makes the next matching calls fail (see {@link GcpFault}). */
  inject(fault: GcpFault): void {
    this.calls.inject(fault);
  }

  /**
   * The `coderPlatform.gcp.endpoints` app-config block that points the
   * official clients at these servers.
   */
  endpointsConfig() {
    const grpcEndpoint = {
      apiEndpoint: '127.0.0.1',
      port: this.grpc.listeningPort,
      plaintext: true,
    };
    const restEndpoint = {
      apiEndpoint: '127.0.0.1',
      port: this.rest.listeningPort,
    };
    return {
      container: grpcEndpoint,
      resourceManager: grpcEndpoint,
      serviceUsage: grpcEndpoint,
      compute: restEndpoint,
      dns: restEndpoint,
      iam: restEndpoint,
    };
  }

  /**
   * An endpoint for `coderPlatform.gcp.endpoints.storage` at the REST
   * server, which serves only bucket IAM policies (the GCS emulator does not):
   * for tests of bucket-level IAM. Objects and buckets otherwise live in the
   * GCS emulator peer.
   */
  storageIamEndpoint() {
    return { apiEndpoint: '127.0.0.1', port: this.rest.listeningPort };
  }
}
