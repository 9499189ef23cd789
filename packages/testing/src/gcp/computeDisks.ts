import { GcpContractError } from './contract';

type Obj = Record<string, any>;

const COMPUTE = 'https://www.googleapis.com/compute/v1';

/** What the REST contract server lends the disk routes. */
export type DiskRouteHost = {
  /** Records the RPC (e.g. `disks.aggregatedList`), applies faults. */
  enter(rpc: string): void;
  /** Starts a zonal operation whose completion runs `apply`. */
  operation(
    scope: string,
    type: string,
    target: string,
    apply: () => void,
  ): Obj;
};

/**
 * `labels.KEY = "VALUE"` expressions of a Compute list filter, ANDed (each in
 * parentheses, or one bare), as `gcloud compute disks list --filter` sends
 * them. Anything else is INVALID_ARGUMENT, as the API answers a filter it
 * cannot parse.
 */
function labelFilter(filter: string | null): Array<[string, string]> {
  if (!filter) return [];
  const parts = filter.trim().startsWith('(')
    ? [...filter.matchAll(/\(([^()]*)\)/g)].map(m => m[1])
    : [filter];
  return parts.map(part => {
    const m =
      /^\s*labels\.([-_a-z0-9]+)\s*=\s*(?:"([^"]*)"|([-_a-z0-9]+))\s*$/.exec(
        part,
      );
    if (!m)
      throw new GcpContractError(
        'INVALID_ARGUMENT',
        `Invalid value for field 'filter': '${filter}'. Invalid list filter expression.`,
      );
    return [m[1], m[2] ?? m[3]];
  });
}

/**
 * Compute Engine v1 zonal persistent disks (`disks.aggregatedList`, `get`,
 * `delete`) as in the discovery document: the disks GKE's PD CSI driver
 * leaves behind, which only tests create (`addDisk`). Deleting a disk that
 * is still attached (`users` non-empty) fails as Compute does
 * (resourceInUseByAnotherResource).
 */
export class ComputeDiskRoutes {
  /** Disks by `projects/p/zones/z/disks/name`. */
  readonly disks = new Map<string, Obj>();
  private seq = 5000;

  /** Adds a disk as the PD CSI driver creates one for a PersistentVolume. */
  addDisk(
    project: string,
    zone: string,
    disk: {
      name: string;
      labels?: Record<string, string>;
      users?: string[];
      sizeGb?: string;
    },
  ): Obj {
    const key = `projects/${project}/zones/${zone}/disks/${disk.name}`;
    this.seq += 1;
    const stored = {
      kind: 'compute#disk',
      id: String(this.seq),
      name: disk.name,
      sizeGb: disk.sizeGb ?? '10',
      zone: `${COMPUTE}/projects/${project}/zones/${zone}`,
      status: 'READY',
      type: `${COMPUTE}/projects/${project}/zones/${zone}/diskTypes/pd-balanced`,
      selfLink: `${COMPUTE}/${key}`,
      creationTimestamp: new Date().toISOString(),
      labels: disk.labels ?? {},
      ...(disk.users?.length ? { users: disk.users } : {}),
    };
    this.disks.set(key, stored);
    return stored;
  }

  /**
   * Handles `path` below `/compute/v1/projects/{project}/` when it is
   * `aggregated/disks` or `zones/{zone}/disks[/{name}]`; undefined otherwise.
   */
  route(
    host: DiskRouteHost,
    method: string,
    project: string,
    rest: string[],
    query: URLSearchParams,
  ): { body: Obj } | undefined {
    if (rest[0] === 'aggregated' && rest[1] === 'disks' && method === 'GET') {
      host.enter('disks.aggregatedList');
      const wanted = labelFilter(query.get('filter'));
      const items: Record<string, Obj> = {};
      for (const [key, disk] of this.disks) {
        const [, p, , zone] = key.split('/');
        if (p !== project) continue;
        if (!wanted.every(([k, v]) => disk.labels?.[k] === v)) continue;
        (items[`zones/${zone}`] ??= { disks: [] }).disks.push(disk);
      }
      return {
        body: {
          kind: 'compute#diskAggregatedList',
          id: `projects/${project}/aggregated/disks`,
          items,
          selfLink: `${COMPUTE}/projects/${project}/aggregated/disks`,
        },
      };
    }
    if (rest[0] !== 'zones' || rest[2] !== 'disks') return undefined;
    const zone = rest[1];
    const name = rest[3];
    const key = `projects/${project}/zones/${zone}/disks/${name}`;
    const disk = this.disks.get(key);
    const notFound = () =>
      new GcpContractError('NOT_FOUND', `The resource '${key}' was not found`);
    if (method === 'GET' && name) {
      host.enter('disks.get');
      if (!disk) throw notFound();
      return { body: disk };
    }
    if (method === 'DELETE' && name) {
      host.enter('disks.delete');
      if (!disk) throw notFound();
      if (disk.users?.length) {
        throw new GcpContractError(
          'INVALID_ARGUMENT',
          `The disk resource '${key}' is already being used by '${String(
            disk.users[0],
          ).replace(`${COMPUTE}/`, '')}'`,
        );
      }
      return {
        body: host.operation(`zones/${zone}`, 'delete', key, () =>
          this.disks.delete(key),
        ),
      };
    }
    return undefined;
  }
}
