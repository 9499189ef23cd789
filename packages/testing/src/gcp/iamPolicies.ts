import { randomBytes } from 'node:crypto';
import { GcpContractError } from './contract';

/**
 * Resource-level IAM policies as Google's APIs keep them (google.iam.v1.Policy:
 * version, bindings, etag), shared by the contract routes of Cloud DNS managed
 * zones, IAM service accounts and Cloud Storage buckets.
 */

/** One binding of a policy. */
export type IamBinding = {
  role: string;
  members: string[];
  condition?: Record<string, unknown>;
};

/** A policy (`etag` changes on every write). */
export type IamPolicy = {
  version: number;
  etag: string;
  bindings: IamBinding[];
};

const MEMBER =
  /^(?:(?:user|serviceAccount|group|domain|deleted:user|deleted:serviceAccount|deleted:group|projectOwner|projectEditor|projectViewer):[^\s:]+(?:\?uid=\d+)?|principal(?:Set)?:\/\/\S+|allUsers|allAuthenticatedUsers)$/;
const ROLE =
  /^(?:roles|projects\/[^/]+\/roles|organizations\/\d+\/roles)\/[\w.]+$/;

/** A new, empty policy. */
export function emptyPolicy(): IamPolicy {
  return { version: 1, etag: newEtag(), bindings: [] };
}

function newEtag(): string {
  return randomBytes(6).toString('base64');
}

/**
 * Applies a `setIamPolicy` request to `current` as Google does: a stale etag
 * is ABORTED (read-modify-write again), malformed roles and members are
 * INVALID_ARGUMENT naming the binding, an empty binding is dropped. Returns
 * the stored policy with a new etag.
 */
export function setPolicy(
  current: IamPolicy,
  requested: Partial<IamPolicy> | undefined,
): IamPolicy {
  const policy = requested ?? {};
  if (policy.etag && policy.etag !== current.etag) {
    throw new GcpContractError(
      'ABORTED',
      'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.',
    );
  }
  const bindings: IamBinding[] = [];
  (policy.bindings ?? []).forEach((b, i) => {
    if (!ROLE.test(String(b.role ?? ''))) {
      throw new GcpContractError(
        'INVALID_ARGUMENT',
        `Invalid value for field 'policy.bindings[${i}].role': '${b.role}'`,
      );
    }
    (b.members ?? []).forEach((m, j) => {
      if (!MEMBER.test(String(m))) {
        throw new GcpContractError(
          'INVALID_ARGUMENT',
          `Invalid value for field 'policy.bindings[${i}].members[${j}]': '${m}'`,
        );
      }
    });
    if ((b.members ?? []).length)
      bindings.push({
        role: b.role,
        members: [...new Set(b.members)],
        ...(b.condition ? { condition: b.condition } : {}),
      });
  });
  return {
    version: Number(policy.version ?? current.version ?? 1),
    etag: newEtag(),
    bindings,
  };
}

/** A bucket the storage IAM routes know. */
export type ContractBucket = { name: string; policy: IamPolicy };

/**
 * The part of the Cloud Storage JSON API v1 the GCS emulator
 * (fake-gcs-server 1.56) does not serve: a bucket's IAM policy
 * (`GET`/`PUT /storage/v1/b/{bucket}/iam`), plus `GET /storage/v1/b/{bucket}`
 * so the client can check the bucket exists. Buckets are seeded by tests.
 */
export class StorageIamRoutes {
  readonly buckets = new Map<string, ContractBucket>();

  /** Adds a bucket with an empty policy (or returns the existing one). */
  addBucket(name: string): ContractBucket {
    let bucket = this.buckets.get(name);
    if (!bucket) {
      bucket = { name, policy: emptyPolicy() };
      this.buckets.set(name, bucket);
    }
    return bucket;
  }

  /** Handles `path` (after `/storage/v1/`); `enter` records the RPC. */
  route(
    method: string,
    path: string,
    body: Record<string, any>,
    enter: (rpc: string) => void,
  ): { status?: number; body: Record<string, any> } {
    const m = /^b\/([^/]+)(\/iam)?$/.exec(path);
    if (!m)
      throw new GcpContractError(
        'NOT_FOUND',
        `No route for ${method} /storage/v1/${path}`,
      );
    const [, name, iam] = m;
    let rpc = 'buckets.get';
    if (iam) {
      rpc = method === 'GET' ? 'buckets.getIamPolicy' : 'buckets.setIamPolicy';
    }
    enter(rpc);
    const bucket = this.buckets.get(name);
    if (!bucket)
      throw new GcpContractError(
        'NOT_FOUND',
        `The specified bucket does not exist.`,
      );
    if (!iam && method === 'GET')
      return {
        body: {
          kind: 'storage#bucket',
          id: name,
          name,
          location: 'EUROPE-WEST3',
        },
      };
    if (iam && method === 'GET')
      return {
        body: {
          kind: 'storage#policy',
          resourceId: `projects/_/buckets/${name}`,
          ...bucket.policy,
        },
      };
    if (iam && method === 'PUT') {
      bucket.policy = setPolicy(bucket.policy, body as Partial<IamPolicy>);
      return {
        body: {
          kind: 'storage#policy',
          resourceId: `projects/_/buckets/${name}`,
          ...bucket.policy,
        },
      };
    }
    throw new GcpContractError(
      'NOT_FOUND',
      `No route for ${method} /storage/v1/${path}`,
    );
  }
}
