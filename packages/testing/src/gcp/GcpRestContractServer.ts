import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import {
  DroppedConnection,
  GCP_CODES,
  GcpCallLog,
  GcpContractError,
  HungCall,
  OperationStore,
  serviceDisabledError,
} from './contract';
import { ComputeDiskRoutes } from './computeDisks';
import {
  emptyPolicy,
  IamPolicy,
  setPolicy,
  StorageIamRoutes,
} from './iamPolicies';

type Obj = Record<string, any>;

/** Options of the REST contract server. */
export type GcpRestContractServerOptions = {
  /** Polls a long-running operation needs before it is done (default 2). */
  pollsToComplete?: number;
  /** Shared call log (so REST and gRPC servers count together). */
  calls?: GcpCallLog;
  /** APIs that answer as disabled (PERMISSION_DENIED, SERVICE_DISABLED). */
  disabledApis?: Set<string>;
};

const API_OF: Record<string, string> = {
  compute: 'compute.googleapis.com',
  dns: 'dns.googleapis.com',
  iam: 'iam.googleapis.com',
  storage: 'storage.googleapis.com',
};

const NAME_RE = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gcp-contract-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An HTTPS server speaking the REST shapes of Compute Engine v1 (networks,
 * subnetworks, firewalls, addresses, zonal disks, global/regional/zonal
 * operations), Cloud DNS v1
 * (managed zones, rrsets, changes) and IAM v1 (service accounts, their IAM
 * policy and keys), as in the discovery documents. The TLS certificate is
 * self-signed and generated at start; call `trustCertificate()` so the
 * official clients accept it (Cloud DNS's client only speaks https).
 */
export class GcpRestContractServer {
  readonly calls: GcpCallLog;
  readonly disabledApis: Set<string>;
  /** Compute resources by `projects/p/(global|regions/r)/collection/name`. */
  readonly compute = new Map<string, Obj>();
  /** Cloud DNS zones by `projects/p/managedZones/z`, each with its rrsets. */
  readonly zones = new Map<
    string,
    {
      zone: Obj;
      rrsets: Obj[];
      changes: Map<string, Obj>;
      policy?: IamPolicy;
    }
  >();
  /** Zonal persistent disks (what a GKE cluster's PersistentVolumes leave). */
  readonly disks = new ComputeDiskRoutes();
  /** Bucket IAM policies (the part of the GCS JSON API the emulator lacks). */
  readonly storage = new StorageIamRoutes();
  /** Service accounts by `projects/p/serviceAccounts/email`. */
  readonly serviceAccounts = new Map<
    string,
    { account: Obj; policy: Obj; keys: Obj[] }
  >();
  pollsToComplete: number;
  readonly certificate: string;
  private readonly server: Server;
  private readonly ops: OperationStore;
  private readonly opInfo = new Map<string, Obj>();
  private port = 0;
  private seq = 1000;

  constructor(options: GcpRestContractServerOptions = {}) {
    this.calls = options.calls ?? new GcpCallLog();
    this.disabledApis = options.disabledApis ?? new Set();
    this.pollsToComplete = options.pollsToComplete ?? 2;
    this.ops = new OperationStore(() => this.pollsToComplete);
    const { key, cert } = selfSignedCertificate();
    this.certificate = cert;
    this.server = createServer({ key, cert }, (req, res) =>
      this.handle(req, res),
    );
  }

  /** Adds the server's certificate to the default CA store of this process. */
  trustCertificate(): void {
    const current = tls.getCACertificates('default');
    if (!current.includes(this.certificate))
      tls.setDefaultCACertificates([...current, this.certificate]);
  }

  /** Starts listening on 127.0.0.1 (port 0 picks a free one). */
  async start(port = 0): Promise<number> {
    await new Promise<void>(resolve =>
      this.server.listen(port, '127.0.0.1', resolve),
    );
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  /** The port the server listens on. */
  get listeningPort(): number {
    return this.port;
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    this.calls.releaseHung();
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  private nextId(): string {
    this.seq += 1;
    return `${Date.now()}${this.seq}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Obj = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      body = {};
    }
    const path = decodeURIComponent(url.pathname).replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    try {
      let result: { status?: number; body: Obj | undefined };
      if (path.startsWith('/compute/v1/')) {
        result = this.route('compute', () =>
          this.computeRoute(
            method,
            path.slice('/compute/v1/'.length),
            url.searchParams,
            body,
          ),
        );
      } else if (path.startsWith('/dns/v1/')) {
        result = this.route('dns', () =>
          this.dnsRoute(
            method,
            path.slice('/dns/v1/'.length),
            url.searchParams,
            body,
          ),
        );
      } else if (path.startsWith('/storage/v1/')) {
        result = this.storage.route(
          method,
          path.slice('/storage/v1/'.length),
          body,
          rpc => this.enter('storage', rpc, 'storage'),
        );
      } else if (path.startsWith('/v1/projects/')) {
        result = this.route('iam', () =>
          this.iamRoute(
            method,
            path.slice('/v1/'.length),
            url.searchParams,
            body,
          ),
        );
      } else {
        throw new GcpContractError(
          'NOT_FOUND',
          `No route for ${method} ${path}`,
        );
      }
      res.writeHead(result.status ?? 200, {
        'content-type': 'application/json; charset=UTF-8',
      });
      res.end(result.body === undefined ? '' : JSON.stringify(result.body));
    } catch (error) {
      if (error instanceof DroppedConnection) {
        req.socket.destroy();
        return;
      }
      if (error instanceof HungCall) {
        // No answer: the client's deadline (or clearing the faults) ends it.
        res.once(
          'close',
          this.calls.hold(() => req.socket.destroy()),
        );
        return;
      }
      const e =
        error instanceof GcpContractError
          ? error
          : new GcpContractError(
              'INTERNAL',
              String((error as Error)?.stack ?? error),
            );
      const http = GCP_CODES[e.code].http;
      res.writeHead(http, {
        'content-type': 'application/json; charset=UTF-8',
      });
      res.end(
        JSON.stringify({
          error: {
            code: http,
            message: e.message,
            status: e.code,
            errors: [
              {
                message: e.message,
                domain: 'global',
                reason: reasonOf(e.code),
              },
            ],
            ...(e.details.length ? { details: e.details } : {}),
          },
        }),
      );
    }
  }

  private route(
    _api: string,
    fn: () => { status?: number; body: Obj | undefined },
  ) {
    return fn();
  }

  /** Records the call; applies faults and disabled APIs. */
  private enter(api: string, rpc: string, project: string) {
    this.calls.enter(`${api}.${rpc}`);
    if (this.disabledApis.has(API_OF[api]))
      throw serviceDisabledError(API_OF[api], project);
  }

  // ------------------------------------------------------------ Compute

  private computeOperation(
    project: string,
    scope: string,
    type: string,
    target: string,
    apply: () => void,
  ): Obj {
    const op = this.ops.start('operation-', apply);
    const info = {
      kind: 'compute#operation',
      id: this.nextId(),
      name: op.name,
      operationType: type,
      targetLink: `https://www.googleapis.com/compute/v1/${target}`,
      selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/${scope}/operations/${op.name}`,
      insertTime: new Date().toISOString(),
      ...(scope.startsWith('regions/')
        ? {
            region: `https://www.googleapis.com/compute/v1/projects/${project}/${scope}`,
          }
        : {}),
      ...(scope.startsWith('zones/')
        ? {
            zone: `https://www.googleapis.com/compute/v1/projects/${project}/${scope}`,
          }
        : {}),
    };
    this.opInfo.set(op.name, info);
    return this.renderComputeOp(op.name, false)!;
  }

  private renderComputeOp(name: string, poll: boolean): Obj | undefined {
    const info = this.opInfo.get(name);
    const op = poll ? this.ops.poll(name) : this.ops.get(name);
    if (!info || !op) return undefined;
    return {
      ...info,
      status: op.done ? 'DONE' : 'RUNNING',
      progress: op.done ? 100 : 50,
      ...(op.done ? { endTime: new Date().toISOString() } : {}),
      ...(op.error
        ? {
            error: {
              errors: [
                {
                  code: reasonOf(op.error.code).toUpperCase(),
                  message: op.error.message,
                },
              ],
            },
            httpErrorStatusCode: GCP_CODES[op.error.code].http,
            httpErrorMessage: op.error.code,
          }
        : {}),
    };
  }

  private computeRoute(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Obj,
  ) {
    const parts = path.split('/');
    // projects/{p}/global/{collection}[/{name}[/{verb}]]
    // projects/{p}/regions/{r}/{collection}[/{name}[/{verb}]]
    // projects/{p}/zones/{z}/... and projects/{p}/aggregated/disks
    const project = parts[1];
    const disks = this.disks.route(
      {
        enter: rpc => this.enter('compute', rpc, project),
        operation: (scope, type, target, apply) =>
          this.computeOperation(project, scope, type, target, apply),
      },
      method,
      project,
      parts.slice(2),
      query,
    );
    if (disks) return disks;
    const regional = parts[2] === 'regions';
    const zonal = parts[2] === 'zones';
    const scope = regional || zonal ? `${parts[2]}/${parts[3]}` : 'global';
    const rest = parts.slice(regional || zonal ? 4 : 3);
    const [collection, name, verb] = rest;
    const base = `projects/${project}/${scope}/${collection}`;
    const key = `${base}/${name}`;
    const rpcBase = `${collection}`;
    const notFound = (k: string) =>
      new GcpContractError('NOT_FOUND', `The resource '${k}' was not found`);

    if (collection === 'operations' && name) {
      this.enter(
        'compute',
        `${
          (
            {
              regions: 'regionOperations',
              zones: 'zoneOperations',
            } as Record<string, string>
          )[parts[2]] ?? 'globalOperations'
        }.${verb === 'wait' ? 'wait' : 'get'}`,
        project,
      );
      const op = this.renderComputeOp(name, true);
      if (!op) throw notFound(key);
      return { body: op };
    }
    if (
      !['networks', 'subnetworks', 'firewalls', 'addresses'].includes(
        collection,
      )
    ) {
      throw new GcpContractError(
        'NOT_FOUND',
        `No route for ${method} /compute/v1/${path}`,
      );
    }
    if (method === 'GET' && !name) {
      this.enter('compute', `${rpcBase}.list`, project);
      const items = [...this.compute.entries()]
        .filter(([k]) => k.startsWith(`${base}/`))
        .map(([, v]) => v);
      return { body: { kind: `compute#${collection}List`, items } };
    }
    if (method === 'GET') {
      this.enter('compute', `${rpcBase}.get`, project);
      const item = this.compute.get(key);
      if (!item) throw notFound(key);
      return { body: item };
    }
    if (method === 'POST' && !name) {
      this.enter('compute', `${rpcBase}.insert`, project);
      const resource = body;
      const newKey = `${base}/${resource.name}`;
      if (!resource.name || !NAME_RE.test(resource.name)) {
        throw new GcpContractError(
          'INVALID_ARGUMENT',
          `Invalid value for field 'resource.name': '${
            resource.name ?? ''
          }'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'`,
        );
      }
      if (this.compute.has(newKey))
        throw new GcpContractError(
          'ALREADY_EXISTS',
          `The resource '${newKey}' already exists`,
        );
      const stored = this.prepareCompute(
        collection,
        project,
        scope,
        newKey,
        resource,
      );
      return {
        body: this.computeOperation(project, scope, 'insert', newKey, () =>
          this.compute.set(newKey, stored),
        ),
      };
    }
    const existing = this.compute.get(key);
    if (method === 'PATCH') {
      this.enter('compute', `${rpcBase}.patch`, project);
      if (!existing) throw notFound(key);
      if (
        collection === 'subnetworks' &&
        body.fingerprint !== existing.fingerprint
      ) {
        throw new GcpContractError(
          'FAILED_PRECONDITION',
          `Invalid fingerprint. Supplied fingerprint does not match current fingerprint of resource '${key}'.`,
        );
      }
      const { fingerprint: _f, name: _n, ...changes } = body;
      return {
        body: this.computeOperation(project, scope, 'patch', key, () => {
          Object.assign(existing, changes);
          if (collection === 'subnetworks')
            existing.fingerprint = randomBytes(6).toString('base64');
        }),
      };
    }
    if (method === 'DELETE') {
      this.enter('compute', `${rpcBase}.delete`, project);
      if (!existing) throw notFound(key);
      if (collection === 'networks') {
        const user = [...this.compute.values()].find(
          v => v.network === existing.selfLink,
        );
        if (user) {
          throw new GcpContractError(
            'FAILED_PRECONDITION',
            `The network resource '${key}' is already being used by '${String(
              user.selfLink,
            ).replace('https://www.googleapis.com/compute/v1/', '')}'`,
          );
        }
      }
      return {
        body: this.computeOperation(project, scope, 'delete', key, () =>
          this.compute.delete(key),
        ),
      };
    }
    if (method === 'POST' && verb) {
      this.enter('compute', `${rpcBase}.${verb}`, project);
      if (!existing) throw notFound(key);
      if (verb === 'setPrivateIpGoogleAccess') {
        return {
          body: this.computeOperation(project, scope, verb, key, () => {
            existing.privateIpGoogleAccess = !!body.privateIpGoogleAccess;
          }),
        };
      }
      if (verb === 'setLabels') {
        if (body.labelFingerprint !== existing.labelFingerprint) {
          throw new GcpContractError(
            'FAILED_PRECONDITION',
            `Labels fingerprint either invalid or resource labels have changed`,
          );
        }
        return {
          body: this.computeOperation(project, scope, verb, key, () => {
            existing.labels = body.labels ?? {};
            existing.labelFingerprint = randomBytes(6).toString('base64');
          }),
        };
      }
    }
    void query;
    throw new GcpContractError(
      'NOT_FOUND',
      `No route for ${method} /compute/v1/${path}`,
    );
  }

  private prepareCompute(
    collection: string,
    project: string,
    scope: string,
    key: string,
    resource: Obj,
  ): Obj {
    const selfLink = `https://www.googleapis.com/compute/v1/${key}`;
    const common = {
      ...resource,
      kind: `compute#${collection.replace(/s$/, '').replace(/sse$/, 'ss')}`,
      id: this.nextId(),
      selfLink,
      creationTimestamp: new Date().toISOString(),
    };
    const region = scope.startsWith('regions/')
      ? `https://www.googleapis.com/compute/v1/projects/${project}/${scope}`
      : undefined;
    const networkExists = (link: string | undefined) => {
      const k = String(link ?? '').replace(
        /^https:\/\/www\.googleapis\.com\/compute\/v1\//,
        '',
      );
      if (!this.compute.has(k))
        throw new GcpContractError(
          'NOT_FOUND',
          `The resource '${k}' was not found`,
        );
      return `https://www.googleapis.com/compute/v1/${k}`;
    };
    switch (collection) {
      case 'networks':
        return {
          routingConfig: { routingMode: 'REGIONAL' },
          mtu: 1460,
          ...common,
          autoCreateSubnetworks: resource.autoCreateSubnetworks ?? true,
        };
      case 'subnetworks':
        if (!resource.ipCidrRange)
          throw new GcpContractError(
            'INVALID_ARGUMENT',
            "Invalid value for field 'resource.ipCidrRange': ''.",
          );
        return {
          ...common,
          network: networkExists(resource.network),
          region,
          privateIpGoogleAccess: !!resource.privateIpGoogleAccess,
          gatewayAddress: resource.ipCidrRange.replace(/\.\d+\/\d+$/, '.1'),
          fingerprint: randomBytes(6).toString('base64'),
        };
      case 'firewalls':
        return {
          direction: 'INGRESS',
          priority: 1000,
          sourceRanges:
            resource.direction === 'EGRESS'
              ? undefined
              : resource.sourceRanges ?? ['0.0.0.0/0'],
          ...common,
          network: networkExists(resource.network),
        };
      case 'addresses':
        this.seq += 1;
        return {
          addressType: 'EXTERNAL',
          networkTier: 'PREMIUM',
          ...common,
          address:
            resource.address ??
            `34.107.${Math.floor(this.seq / 250) % 250}.${
              (this.seq % 250) + 1
            }`,
          status: 'RESERVED',
          region,
          labelFingerprint: randomBytes(6).toString('base64'),
        };
      default:
        return common;
    }
  }

  // ---------------------------------------------------------------- DNS

  private dnsRoute(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Obj,
  ) {
    const parts = path.split('/');
    const project = parts[1];
    const [, , collection, zoneName, sub, subId] = parts;
    if (collection !== 'managedZones')
      throw new GcpContractError(
        'NOT_FOUND',
        `No route for ${method} /dns/v1/${path}`,
      );
    const iamVerb = /^([^:]+):(getIamPolicy|setIamPolicy)$/.exec(
      zoneName ?? '',
    );
    if (iamVerb && method === 'POST' && !sub) {
      // managedZones.getIamPolicy / setIamPolicy (POST {+resource}:verb)
      const [, name, verb] = iamVerb;
      this.enter('dns', `managedZones.${verb}`, project);
      const entry = this.zones.get(`projects/${project}/managedZones/${name}`);
      if (!entry)
        throw new GcpContractError(
          'NOT_FOUND',
          `The 'parameters.managedZone' resource named '${name}' does not exist.`,
        );
      entry.policy ??= emptyPolicy();
      if (verb === 'setIamPolicy')
        entry.policy = setPolicy(entry.policy, body.policy);
      return { body: entry.policy };
    }
    const key = `projects/${project}/managedZones/${zoneName}`;
    const zoneMissing = () =>
      new GcpContractError(
        'NOT_FOUND',
        `The 'parameters.managedZone' resource named '${zoneName}' does not exist.`,
      );
    if (!zoneName) {
      if (method === 'GET') {
        this.enter('dns', 'managedZones.list', project);
        const dnsName = query.get('dnsName');
        const managedZones = [...this.zones.entries()]
          .filter(
            ([k, z]) =>
              k.startsWith(`projects/${project}/`) &&
              (!dnsName || z.zone.dnsName === dnsName),
          )
          .map(([, z]) => z.zone);
        return { body: { kind: 'dns#managedZonesListResponse', managedZones } };
      }
      this.enter('dns', 'managedZones.create', project);
      if (!body.name || !NAME_RE.test(body.name)) {
        throw new GcpContractError(
          'INVALID_ARGUMENT',
          `Invalid value for 'entity.managedZone.name': '${body.name ?? ''}'`,
        );
      }
      if (!body.dnsName || !String(body.dnsName).endsWith('.')) {
        throw new GcpContractError(
          'INVALID_ARGUMENT',
          `Invalid value for 'entity.managedZone.dnsName': '${
            body.dnsName ?? ''
          }'`,
        );
      }
      const newKey = `projects/${project}/managedZones/${body.name}`;
      if (this.zones.has(newKey)) {
        throw new GcpContractError(
          'ALREADY_EXISTS',
          `The resource 'entity.managedZone' named '${body.name}' already exists`,
        );
      }
      const letter = 'abcde'[this.zones.size % 5];
      const nameServers = [1, 2, 3, 4].map(
        n => `ns-cloud-${letter}${n}.googledomains.com.`,
      );
      const zone = {
        kind: 'dns#managedZone',
        name: body.name,
        dnsName: body.dnsName,
        description: body.description ?? '',
        labels: body.labels,
        visibility: body.visibility ?? 'public',
        id: this.nextId(),
        nameServers,
        creationTime: new Date().toISOString(),
      };
      this.zones.set(newKey, {
        zone,
        rrsets: [
          {
            kind: 'dns#resourceRecordSet',
            name: body.dnsName,
            type: 'NS',
            ttl: 21600,
            rrdatas: nameServers,
          },
          {
            kind: 'dns#resourceRecordSet',
            name: body.dnsName,
            type: 'SOA',
            ttl: 21600,
            rrdatas: [
              `${nameServers[0]} cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300`,
            ],
          },
        ],
        changes: new Map(),
      });
      return { body: zone };
    }
    const entry = this.zones.get(key);
    if (!sub) {
      if (method === 'GET') {
        this.enter('dns', 'managedZones.get', project);
        if (!entry) throw zoneMissing();
        return { body: entry.zone };
      }
      if (method === 'PATCH') {
        this.enter('dns', 'managedZones.patch', project);
        if (!entry) throw zoneMissing();
        if (body.dnsName && body.dnsName !== entry.zone.dnsName) {
          throw new GcpContractError(
            'INVALID_ARGUMENT',
            "Invalid value for 'entity.managedZone.dnsName': it cannot be changed",
          );
        }
        if (body.description !== undefined)
          entry.zone.description = body.description;
        if (body.labels !== undefined) entry.zone.labels = body.labels;
        return {
          body: {
            kind: 'dns#operation',
            id: this.nextId(),
            status: 'done',
            type: 'update',
            zoneContext: { newValue: entry.zone },
          },
        };
      }
      if (method === 'DELETE') {
        this.enter('dns', 'managedZones.delete', project);
        if (!entry) throw zoneMissing();
        if (entry.rrsets.some(r => r.type !== 'NS' && r.type !== 'SOA')) {
          throw new GcpContractError(
            'FAILED_PRECONDITION',
            `The resource named '${zoneName}' cannot be deleted because it is not empty`,
          );
        }
        this.zones.delete(key);
        return { status: 204, body: undefined };
      }
    }
    if (sub === 'rrsets' && method === 'GET') {
      this.enter('dns', 'resourceRecordSets.list', project);
      if (!entry) throw zoneMissing();
      const name = query.get('name');
      const type = query.get('type');
      const rrsets = entry.rrsets.filter(
        r => (!name || r.name === name) && (!type || r.type === type),
      );
      return { body: { kind: 'dns#resourceRecordSetsListResponse', rrsets } };
    }
    if (sub === 'changes') {
      if (method === 'POST' && !subId) {
        this.enter('dns', 'changes.create', project);
        if (!entry) throw zoneMissing();
        const additions: Obj[] = body.additions ?? [];
        const deletions: Obj[] = body.deletions ?? [];
        const same = (a: Obj, b: Obj) =>
          a.name === b.name &&
          a.type === b.type &&
          Number(a.ttl) === Number(b.ttl) &&
          JSON.stringify(a.rrdatas) === JSON.stringify(b.rrdatas);
        const remaining = [...entry.rrsets];
        deletions.forEach((d, i) => {
          if (!d.name?.endsWith(entry.zone.dnsName)) {
            throw new GcpContractError(
              'INVALID_ARGUMENT',
              `Invalid value for 'entity.change.deletions[${i}].name': '${d.name}'`,
            );
          }
          const idx = remaining.findIndex(r => same(r, d));
          if (idx < 0) {
            throw new GcpContractError(
              'FAILED_PRECONDITION',
              `The resource 'entity.change.deletions[${i}]' named '${d.name} (${d.type})' does not exist.`,
            );
          }
          remaining.splice(idx, 1);
        });
        additions.forEach((a, i) => {
          if (!a.name?.endsWith(entry.zone.dnsName)) {
            throw new GcpContractError(
              'INVALID_ARGUMENT',
              `Invalid value for 'entity.change.additions[${i}].name': '${a.name}' (is not a subdomain of ${entry.zone.dnsName})`,
            );
          }
          if (remaining.some(r => r.name === a.name && r.type === a.type)) {
            throw new GcpContractError(
              'ALREADY_EXISTS',
              `The resource 'entity.change.additions[${i}]' named '${a.name} (${a.type})' already exists`,
            );
          }
          remaining.push({
            kind: 'dns#resourceRecordSet',
            name: a.name,
            type: a.type,
            ttl: Number(a.ttl),
            rrdatas: a.rrdatas,
          });
        });
        entry.rrsets = remaining;
        const op = this.ops.start('');
        const change = {
          kind: 'dns#change',
          id: op.name,
          additions,
          deletions,
          startTime: new Date().toISOString(),
        };
        entry.changes.set(op.name, change);
        return { body: { ...change, status: op.done ? 'done' : 'pending' } };
      }
      if (method === 'GET' && subId) {
        this.enter('dns', 'changes.get', project);
        const change = entry?.changes.get(subId);
        if (!change)
          throw new GcpContractError(
            'NOT_FOUND',
            `The 'parameters.changeId' resource named '${subId}' does not exist.`,
          );
        const op = this.ops.poll(subId)!;
        return { body: { ...change, status: op.done ? 'done' : 'pending' } };
      }
    }
    throw new GcpContractError(
      'NOT_FOUND',
      `No route for ${method} /dns/v1/${path}`,
    );
  }

  // ---------------------------------------------------------------- IAM

  private iamRoute(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Obj,
  ) {
    // projects/{p}/serviceAccounts[/{email}[:verb | /keys[/{id}]]]
    const m =
      /^projects\/([^/]+)\/serviceAccounts(?:\/([^/:]+))?(?::(\w+))?(?:\/keys(?:\/([^/]+))?)?$/.exec(
        path,
      );
    if (!m)
      throw new GcpContractError(
        'NOT_FOUND',
        `No route for ${method} /v1/${path}`,
      );
    const [, project, email, verb, keyId] = m;
    const isKeys = path.includes('/keys');
    if (!email) {
      this.enter('iam', 'serviceAccounts.create', project);
      const accountId: string = body.accountId ?? '';
      if (!/^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/.test(accountId)) {
        throw new GcpContractError(
          'INVALID_ARGUMENT',
          `Invalid account ID '${accountId}': it must be 6-30 characters, lowercase letters, digits and hyphens, starting with a letter.`,
        );
      }
      const newEmail = `${accountId}@${project}.iam.gserviceaccount.com`;
      const key = `projects/${project}/serviceAccounts/${newEmail}`;
      if (this.serviceAccounts.has(key)) {
        throw new GcpContractError(
          'ALREADY_EXISTS',
          `Service account ${accountId} already exists within project projects/${project}.`,
        );
      }
      const account = {
        name: key,
        projectId: project,
        uniqueId: this.nextId(),
        email: newEmail,
        displayName: body.serviceAccount?.displayName ?? '',
        description: body.serviceAccount?.description ?? '',
        etag: Buffer.from('1').toString('base64'),
        oauth2ClientId: this.nextId(),
      };
      this.serviceAccounts.set(key, {
        account,
        policy: { version: 1, etag: 'ACAB', bindings: [] },
        keys: [],
      });
      return { body: account };
    }
    const key = `projects/${project}/serviceAccounts/${email}`;
    const entry = this.serviceAccounts.get(key);
    const missing = () =>
      new GcpContractError('NOT_FOUND', `Unknown service account`);
    if (verb === 'getIamPolicy' || verb === 'setIamPolicy') {
      this.enter('iam', `serviceAccounts.${verb}`, project);
      if (!entry) throw missing();
      if (verb === 'setIamPolicy')
        entry.policy = setPolicy(entry.policy as IamPolicy, body.policy);
      return { body: entry.policy };
    }
    if (isKeys) {
      if (method === 'GET' && !keyId) {
        this.enter('iam', 'serviceAccounts.keys.list', project);
        if (!entry) throw missing();
        return {
          body: { keys: entry.keys.map(({ privateKeyData: _p, ...k }) => k) },
        };
      }
      if (method === 'POST') {
        this.enter('iam', 'serviceAccounts.keys.create', project);
        if (!entry) throw missing();
        if (entry.keys.length >= 10) {
          throw new GcpContractError(
            'FAILED_PRECONDITION',
            'Precondition check failed: the service account has too many keys (10).',
          );
        }
        const id = randomBytes(20).toString('hex');
        const privateKeyData = Buffer.from(
          JSON.stringify({
            type: 'service_account',
            project_id: project,
            private_key_id: id,
            private_key: `-----BEGIN PRIVATE KEY-----\n${randomBytes(
              48,
            ).toString('base64')}\n-----END PRIVATE KEY-----\n`,
            client_email: email,
            client_id: entry.account.uniqueId,
          }),
        ).toString('base64');
        const k = {
          name: `${key}/keys/${id}`,
          privateKeyType: body.privateKeyType ?? 'TYPE_GOOGLE_CREDENTIALS_FILE',
          keyAlgorithm: body.keyAlgorithm ?? 'KEY_ALG_RSA_2048',
          validAfterTime: new Date().toISOString(),
          keyType: 'USER_MANAGED',
          privateKeyData,
        };
        entry.keys.push(k);
        return { body: k };
      }
      if (method === 'DELETE' && keyId) {
        this.enter('iam', 'serviceAccounts.keys.delete', project);
        if (!entry) throw missing();
        entry.keys = entry.keys.filter(k => !k.name.endsWith(`/${keyId}`));
        return { body: {} };
      }
    }
    if (method === 'GET') {
      this.enter('iam', 'serviceAccounts.get', project);
      if (!entry) throw missing();
      return { body: entry.account };
    }
    if (method === 'PATCH') {
      this.enter('iam', 'serviceAccounts.patch', project);
      if (!entry) throw missing();
      const fields = String(body.updateMask ?? '')
        .split(',')
        .filter(Boolean);
      for (const field of fields) {
        if (field === 'displayName' || field === 'description')
          entry.account[field] = body.serviceAccount?.[field] ?? '';
      }
      return { body: entry.account };
    }
    if (method === 'DELETE') {
      this.enter('iam', 'serviceAccounts.delete', project);
      if (!entry) throw missing();
      this.serviceAccounts.delete(key);
      return { body: {} };
    }
    void query;
    throw new GcpContractError(
      'NOT_FOUND',
      `No route for ${method} /v1/${path}`,
    );
  }
}

function reasonOf(code: string): string {
  switch (code) {
    case 'NOT_FOUND':
      return 'notFound';
    case 'ALREADY_EXISTS':
      return 'alreadyExists';
    case 'PERMISSION_DENIED':
      return 'forbidden';
    case 'RESOURCE_EXHAUSTED':
      return 'rateLimitExceeded';
    case 'FAILED_PRECONDITION':
      return 'conditionNotMet';
    case 'INVALID_ARGUMENT':
      return 'invalid';
    case 'UNAVAILABLE':
      return 'backendError';
    default:
      return 'internalError';
  }
}
