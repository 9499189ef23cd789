/**
 * Resource-level IAM policies (google.iam.v1.Policy) of the resources
 * `gcp:iam:binding` grants roles on: the pure diff, and one adapter per
 * resource type that reads and writes a policy with the official client.
 */
import { GcpClients } from './gcpClients';

/** One binding of a policy. */
export type PolicyBinding = {
  role?: string | null;
  members?: string[] | null;
  condition?: unknown;
};

/** A policy as the APIs return it. */
export type Policy = {
  version?: number | null;
  etag?: string | null;
  bindings?: PolicyBinding[] | null;
  [key: string]: unknown;
};

/** What the input asks for: members per role. */
export type WantedBinding = { role: string; members: string[] };

/** One member to add to or remove from one role. */
export type BindingChange = { role: string; member: string };

/**
 * The changes that bring `policy` to what is wanted: with `present`, every
 * member missing from its role's unconditional binding; with `absent`, every
 * member present in it. Conditional bindings are never touched.
 */
export function diffPolicy(
  policy: Policy,
  wanted: WantedBinding[],
  state: 'present' | 'absent',
): BindingChange[] {
  const changes: BindingChange[] = [];
  for (const { role, members } of wanted) {
    const binding = (policy.bindings ?? []).find(
      b => b.role === role && !b.condition,
    );
    const current = new Set(binding?.members ?? []);
    for (const member of members) {
      if ((state === 'present') !== current.has(member))
        changes.push({ role, member });
    }
  }
  return changes;
}

/** `policy` with `changes` applied (a copy); empty bindings are dropped. */
export function applyChanges(
  policy: Policy,
  changes: BindingChange[],
  state: 'present' | 'absent',
): Policy {
  const bindings = (policy.bindings ?? []).map(b => ({
    ...b,
    members: [...(b.members ?? [])],
  }));
  for (const { role, member } of changes) {
    let binding = bindings.find(b => b.role === role && !b.condition);
    if (state === 'present') {
      if (!binding) {
        binding = { role, members: [] };
        bindings.push(binding);
      }
      if (!binding.members.includes(member)) binding.members.push(member);
    } else if (binding) {
      binding.members = binding.members.filter(m => m !== member);
    }
  }
  return { ...policy, bindings: bindings.filter(b => b.members.length > 0) };
}

/** The resource types whose policy the action edits. */
export type PolicyResourceType = 'bucket' | 'managedZone' | 'serviceAccount';

/** Reads and writes one resource's policy. */
export type PolicyTarget = {
  /** For messages, e.g. `bucket coder-backups`. */
  description: string;
  /** The full resource name (checkpoint keys and outputs). */
  resourceName: string;
  /** The API host (for the "API not enabled" message). */
  api: string;
  /** The policy, with the etag to write it back. */
  get(): Promise<Policy>;
  /** Writes the policy (fails with ABORTED when its etag is stale). */
  set(policy: Policy): Promise<void>;
};

/** The service account e-mail of `resource` (an e-mail, or an account ID in `projectId`). */
export function serviceAccountEmail(resource: string, projectId: string) {
  return resource.includes('@')
    ? resource
    : `${resource}@${projectId}.iam.gserviceaccount.com`;
}

function dnsRequest(
  clients: GcpClients,
  projectId: string,
  uri: string,
  json: unknown,
): Promise<Policy> {
  const dns = clients.dns(projectId) as unknown as {
    request(
      options: Record<string, unknown>,
      callback: (error: unknown, body: unknown) => void,
    ): void;
  };
  return new Promise((resolve, reject) =>
    // maxRetries 0: the action retries with its own backoff (the Cloud
    // DNS client ignores retryOptions and would retry 5xx three times more).
    dns.request({ method: 'POST', uri, json, maxRetries: 0 }, (error, body) =>
      error ? reject(error) : resolve(body as Policy),
    ),
  );
}

/** The adapter for one resource, using the official clients. */
export function policyTarget(
  clients: GcpClients,
  projectId: string,
  type: PolicyResourceType,
  resource: string,
): PolicyTarget {
  switch (type) {
    case 'bucket': {
      const bucket = () => clients.storage(projectId).bucket(resource);
      return {
        description: `bucket ${resource}`,
        resourceName: `projects/_/buckets/${resource}`,
        api: 'storage.googleapis.com',
        get: async () =>
          (
            await bucket().iam.getPolicy({ requestedPolicyVersion: 3 })
          )[0] as Policy,
        set: async policy => {
          await bucket().iam.setPolicy(policy as any);
        },
      };
    }
    case 'managedZone':
      return {
        description: `managed zone ${resource}`,
        resourceName: `projects/${projectId}/managedZones/${resource}`,
        api: 'dns.googleapis.com',
        get: () =>
          dnsRequest(
            clients,
            projectId,
            `/managedZones/${resource}:getIamPolicy`,
            {
              options: { requestedPolicyVersion: 3 },
            },
          ),
        set: async policy => {
          await dnsRequest(
            clients,
            projectId,
            `/managedZones/${resource}:setIamPolicy`,
            { policy },
          );
        },
      };
    default: {
      const email = serviceAccountEmail(resource, projectId);
      const name = `projects/${projectId}/serviceAccounts/${email}`;
      return {
        description: `service account ${email}`,
        resourceName: name,
        api: 'iam.googleapis.com',
        get: async () =>
          (
            await clients.iam().projects.serviceAccounts.getIamPolicy({
              resource: name,
              'options.requestedPolicyVersion': 3,
            })
          ).data as Policy,
        set: async policy => {
          await clients.iam().projects.serviceAccounts.setIamPolicy({
            resource: name,
            requestBody: { policy: policy as any },
          });
        },
      };
    }
  }
}
