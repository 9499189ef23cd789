import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GcpActionOptions } from './gcpClients';
import { GcpRun, startGcpRun } from './gcpRun';
import { Code, googleErrorInfo } from './retry';
import { examples } from './gcpIamServiceAccount.examples';
import { commonInput, schemaOf } from './inputProperties';
import { commonOutput } from './outputProperties';

export const IAM_SERVICE_ACCOUNT_ACTION_ID = 'gcp:iam:service-account';

type Input = {
  projectId?: string;
  accountId: string;
  displayName?: string;
  description?: string;
  projectRoles: string[];
  workloadIdentityUsers: Array<{ namespace: string; serviceAccount: string }>;
  key?: { path: string };
};

type Binding = {
  role?: string | null;
  members?: string[] | null;
  condition?: unknown;
};

const inputSchema = schemaOf((z: any) =>
  z.object({
    ...commonInput(z),
    accountId: z
      .string()
      .regex(
        /^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/,
        'must be 6-30 characters: lowercase letters, digits, hyphens, starting with a letter',
      )
      .describe('Service account ID, the part before @, e.g. coder-dns.'),
    displayName: z
      .string()
      .max(100)
      .optional()
      .describe('Display name. Defaults to the account ID.'),
    description: z
      .string()
      .max(256)
      .optional()
      .describe('Description of what the account is for.'),
    projectRoles: z
      .array(
        z
          .string()
          .regex(
            /^(roles|projects\/[^/]+\/roles|organizations\/\d+\/roles)\/[\w.]+$/,
            'must be a role such as roles/dns.admin',
          ),
      )
      .default([])
      .describe(
        'Roles to grant the account on the project (added to the project IAM policy; existing members are kept, nothing is revoked).',
      ),
    workloadIdentityUsers: z
      .array(
        z.object({
          namespace: z.string().min(1).describe('Kubernetes namespace.'),
          serviceAccount: z
            .string()
            .min(1)
            .describe('Kubernetes service account name.'),
        }),
      )
      .default([])
      .describe(
        'Kubernetes service accounts allowed to act as this account through Workload Identity (preferred over keys).',
      ),
    key: z
      .object({
        path: z
          .string()
          .min(1)
          .describe(
            'Where to write the JSON key, relative to the task workspace. Written once (mode 0600); never logged or output.',
          ),
      })
      .optional()
      .describe(
        'Create a JSON key and write it to a file for a later step. Prefer workloadIdentityUsers.',
      ),
  }),
);

/** Creates the `gcp:iam:service-account` action. */
export function createGcpIamServiceAccountAction(options: GcpActionOptions) {
  return createTemplateAction({
    id: IAM_SERVICE_ACCOUNT_ACTION_ID,
    description:
      'Creates or reuses a service account, grants it project roles (read-modify-write with the policy etag) and Workload Identity bindings, and optionally writes a JSON key to a workspace file (never to logs or outputs).',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: (z: any) =>
        z.object({
          ...commonOutput(z),
          email: z.string().describe('Service account e-mail.'),
          member: z
            .string()
            .describe('IAM member string: serviceAccount:<email>.'),
          uniqueId: z
            .string()
            .optional()
            .describe('Numeric unique ID of the account.'),
          keyPath: z
            .string()
            .optional()
            .describe(
              'Workspace-relative path of the JSON key file, if one was requested (the file holds the secret; this output does not).',
            ),
          keyId: z.string().optional().describe('ID of the key in that file.'),
        }),
    },
    async handler(ctx) {
      const { input, clients, projectId, run } = startGcpRun<Input>(
        ctx,
        options,
        {
          id: IAM_SERVICE_ACCOUNT_ACTION_ID,
          inputSchema,
          api: 'iam.googleapis.com',
        },
      );
      const email = `${input.accountId}@${projectId}.iam.gserviceaccount.com`;
      const name = `projects/${projectId}/serviceAccounts/${email}`;
      const member = `serviceAccount:${email}`;
      const displayName = input.displayName ?? input.accountId;
      const description = input.description ?? '';
      const resource = `service account ${email}`;
      const keyBase = `${IAM_SERVICE_ACCOUNT_ACTION_ID}:${name}`;
      const keyPath = input.key
        ? resolveSafeChildPath(ctx.workspacePath, input.key.path)
        : undefined;
      const iam = clients.iam();
      try {
        // Account
        let account = await run.readOptional(
          `get ${resource}`,
          async () => (await iam.projects.serviceAccounts.get({ name })).data,
        );
        if (!account) {
          run.plan(resource, { kind: 'create' });
          if (!run.dryRun) {
            account = await run.mutate(
              `${keyBase}:create`,
              `create ${resource}`,
              async () => {
                try {
                  const { data } = await iam.projects.serviceAccounts.create({
                    name: `projects/${projectId}`,
                    requestBody: {
                      accountId: input.accountId,
                      serviceAccount: { displayName, description },
                    },
                  });
                  return data as any;
                } catch (error) {
                  // Created by an earlier attempt whose answer was lost: reuse it.
                  if (googleErrorInfo(error).code === Code.ALREADY_EXISTS)
                    return (await iam.projects.serviceAccounts.get({ name }))
                      .data as any;
                  throw error;
                }
              },
            );
          }
        } else {
          const fields = [
            (account.displayName ?? '') !== displayName ? 'displayName' : '',
            input.description !== undefined &&
            (account.description ?? '') !== description
              ? 'description'
              : '',
          ].filter(Boolean);
          run.plan(
            resource,
            fields.length ? { kind: 'update', fields } : { kind: 'none' },
          );
          if (fields.length && !run.dryRun) {
            await run.mutate(
              `${keyBase}:update`,
              `update ${resource}: ${fields.join(', ')}`,
              async () => {
                await iam.projects.serviceAccounts.patch({
                  name,
                  requestBody: {
                    serviceAccount: { displayName, description },
                    updateMask: fields.join(','),
                  },
                });
              },
            );
          }
        }

        // Project roles (read-modify-write with the etag; retried on concurrent changes)
        if (input.projectRoles.length) {
          const projects = clients.projects();
          const projectRun = new GcpRun(
            ctx,
            clients,
            projectId,
            'cloudresourcemanager.googleapis.com',
          );
          const missingRoles = (bindings: Binding[]) =>
            input.projectRoles.filter(
              role =>
                !bindings.some(
                  b =>
                    b.role === role &&
                    !b.condition &&
                    (b.members ?? []).includes(member),
                ),
            );
          const [policy] = await projectRun.read(
            `read IAM policy of project ${projectId}`,
            () => projects.getIamPolicy({ resource: `projects/${projectId}` }),
          );
          const missing = missingRoles((policy.bindings ?? []) as Binding[]);
          projectRun.plan(
            `project roles of ${email}`,
            missing.length
              ? { kind: 'update', fields: missing }
              : { kind: 'none' },
          );
          if (missing.length && !run.dryRun) {
            await projectRun.mutate(
              `${keyBase}:project-roles`,
              `grant ${missing.join(', ')} to ${email} on project ${projectId}`,
              async () => {
                for (let attempt = 1; ; attempt++) {
                  const [current] = await projects.getIamPolicy({
                    resource: `projects/${projectId}`,
                  });
                  const bindings = ((current.bindings ?? []) as Binding[]).map(
                    b => ({ ...b, members: [...(b.members ?? [])] }),
                  );
                  for (const role of missingRoles(bindings)) {
                    const binding = bindings.find(
                      b => b.role === role && !b.condition,
                    );
                    if (binding) binding.members.push(member);
                    else bindings.push({ role, members: [member] });
                  }
                  try {
                    await projects.setIamPolicy({
                      resource: `projects/${projectId}`,
                      policy: { ...current, bindings } as any,
                    });
                    return;
                  } catch (error) {
                    if (
                      googleErrorInfo(error).code !== Code.ABORTED ||
                      attempt >= 5
                    )
                      throw error;
                    run.logger.info(
                      `IAM policy of project ${projectId} changed concurrently; reading it again (attempt ${
                        attempt + 1
                      })`,
                    );
                  }
                }
              },
            );
          }
          changesFrom(projectRun, run);
        }

        // Workload Identity bindings on the account itself
        if (input.workloadIdentityUsers.length) {
          const members = input.workloadIdentityUsers.map(
            u =>
              `serviceAccount:${projectId}.svc.id.goog[${u.namespace}/${u.serviceAccount}]`,
          );
          const role = 'roles/iam.workloadIdentityUser';
          const policy = account
            ? await run.read(
                `read IAM policy of ${resource}`,
                async () =>
                  (
                    await iam.projects.serviceAccounts.getIamPolicy({
                      resource: name,
                    })
                  ).data,
              )
            : { bindings: [] };
          const binding = (policy.bindings ?? []).find(
            b => b.role === role && !b.condition,
          );
          const missing = members.filter(
            m => !(binding?.members ?? []).includes(m),
          );
          run.plan(
            `Workload Identity users of ${email}`,
            missing.length
              ? { kind: 'update', fields: missing }
              : { kind: 'none' },
          );
          if (missing.length && !run.dryRun) {
            await run.mutate(
              `${keyBase}:workload-identity`,
              `allow ${missing.join(', ')} to act as ${email}`,
              async () => {
                for (let attempt = 1; ; attempt++) {
                  const { data: current } =
                    await iam.projects.serviceAccounts.getIamPolicy({
                      resource: name,
                    });
                  const bindings = (current.bindings ?? []).map(b => ({
                    ...b,
                    members: [...(b.members ?? [])],
                  }));
                  let target = bindings.find(
                    b => b.role === role && !b.condition,
                  );
                  if (!target) {
                    target = { role, members: [] };
                    bindings.push(target);
                  }
                  for (const m of members)
                    if (!target.members!.includes(m)) target.members!.push(m);
                  try {
                    await iam.projects.serviceAccounts.setIamPolicy({
                      resource: name,
                      requestBody: { policy: { ...current, bindings } },
                    });
                    return;
                  } catch (error) {
                    if (
                      googleErrorInfo(error).code !== Code.ABORTED ||
                      attempt >= 5
                    )
                      throw error;
                  }
                }
              },
            );
          }
        }

        // JSON key, written to the workspace only
        let keyId: string | undefined;
        if (input.key && keyPath) {
          let existingId: string | undefined;
          if (existsSync(keyPath)) {
            try {
              const file = JSON.parse(await readFile(keyPath, 'utf8'));
              if (file.client_email === email)
                existingId = String(file.private_key_id);
            } catch {
              throw new InputError(
                `key.path: ${input.key.path} exists but is not a service account key file; remove it or choose another path`,
              );
            }
          }
          if (existingId && account) {
            const { data } = await run.read(`list keys of ${resource}`, () =>
              iam.projects.serviceAccounts.keys.list({
                name,
                keyTypes: ['USER_MANAGED'],
              }),
            );
            if (
              !(data.keys ?? []).some(k =>
                String(k.name).endsWith(`/${existingId}`),
              )
            )
              existingId = undefined;
          }
          run.plan(
            `key file ${input.key.path}`,
            existingId ? { kind: 'none' } : { kind: 'create' },
          );
          keyId = existingId;
          if (!existingId && !run.dryRun) {
            const target = keyPath;
            keyId = await run.mutate(
              `${keyBase}:key:${input.key.path}`,
              `create a JSON key for ${email} in ${input.key.path}`,
              async () => {
                const { data } = await iam.projects.serviceAccounts.keys.create(
                  {
                    name,
                    requestBody: {
                      privateKeyType: 'TYPE_GOOGLE_CREDENTIALS_FILE',
                      keyAlgorithm: 'KEY_ALG_RSA_2048',
                    },
                  },
                );
                await mkdir(dirname(target), { recursive: true });
                await writeFile(
                  target,
                  Buffer.from(String(data.privateKeyData), 'base64'),
                  { mode: 0o600 },
                );
                return String(data.name).split('/').pop()!;
              },
              {
                // keys.create is not idempotent: each call makes a new key
                // (at most 10 per account). A lost answer may still have
                // created one, so it is never retried.
                retry: false,
                onFailure: `the call may have created a key all the same. List the keys of ${email} (gcloud iam service-accounts keys list --iam-account ${email} --managed-by user), delete any not in use, then run the step again`,
              },
            );
          }
        }

        ctx.output('projectId', projectId);
        ctx.output('email', email);
        ctx.output('member', member);
        if (account?.uniqueId) ctx.output('uniqueId', String(account.uniqueId));
        if (input.key) ctx.output('keyPath', input.key.path);
        if (keyId) ctx.output('keyId', keyId);
        ctx.output('changed', run.changes.length > 0);
      } finally {
        await clients.close();
      }
    },
  });
}

function changesFrom(from: GcpRun, to: GcpRun) {
  to.changes.push(...from.changes);
}
