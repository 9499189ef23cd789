import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GcpActionOptions } from './gcpClients';
import { GcpRun, startGcpRun } from './gcpRun';
import { Code, googleErrorInfo } from './retry';
import { examples } from './gcpIamBinding.examples';
import {
  applyChanges,
  BindingChange,
  diffPolicy,
  Policy,
  policyTarget,
  PolicyResourceType,
  WantedBinding,
} from './iamPolicy';
import {
  bucketName,
  commonInput,
  iamMember,
  iamRole,
  resourceName,
  schemaOf,
  stateInput,
} from './inputProperties';
import { commonOutput } from './outputProperties';

export const IAM_BINDING_ACTION_ID = 'gcp:iam:binding';

type Input = {
  projectId?: string;
  resourceType: PolicyResourceType;
  resource: string;
  bindings: WantedBinding[];
  state: 'present' | 'absent';
};

const SERVICE_ACCOUNT =
  /^(?:[a-z](?:[-a-z0-9]{4,28}[a-z0-9])|[a-z0-9][-a-z0-9.]*@[a-z0-9][-a-z0-9.]*\.gserviceaccount\.com)$/;

const inputSchema = schemaOf((z: any) =>
  z
    .object({
      ...commonInput(z),
      resourceType: z
        .enum(['bucket', 'managedZone', 'serviceAccount'])
        .describe(
          'What to grant roles on: a Cloud Storage bucket, a Cloud DNS managed zone, or a service account (e.g. roles/iam.workloadIdentityUser).',
        ),
      resource: z
        .string()
        .min(1)
        .describe(
          'The bucket name, the managed zone name, or the service account (e-mail, or account ID in projectId).',
        ),
      bindings: z
        .array(
          z.object({
            role: iamRole(z, 'Role to grant, e.g. roles/storage.objectAdmin.'),
            members: z
              .array(
                iamMember(
                  z,
                  'Member, e.g. serviceAccount:coder-backup@acme.iam.gserviceaccount.com.',
                ),
              )
              .min(1)
              .describe('Members to grant the role to (or remove it from).'),
          }),
        )
        .min(1)
        .describe(
          'Roles and their members. Other members and roles of the policy are kept; conditional bindings are never touched.',
        ),
      state: stateInput(z, 'bindings (absent removes these members only)'),
    })
    .superRefine((input: Input, ctx: any) => {
      const check = (ok: boolean, message: string) => {
        if (!ok) ctx.addIssue({ code: 'custom', path: ['resource'], message });
      };
      if (input.resourceType === 'bucket')
        check(
          bucketName(z, 'bucket').safeParse(input.resource).success,
          'must be a bucket name (3-63 lowercase letters, digits, - and _)',
        );
      if (input.resourceType === 'managedZone')
        check(
          resourceName(z, 'zone').safeParse(input.resource).success,
          'must be a managed zone name (lowercase letters, digits, hyphens)',
        );
      if (input.resourceType === 'serviceAccount')
        check(
          SERVICE_ACCOUNT.test(input.resource),
          'must be a service account e-mail (…@….gserviceaccount.com) or account ID',
        );
    }),
);

const MAX_POLICY_ATTEMPTS = 5;

/** Read-modify-write with the etag; a concurrent change (ABORTED) reads again. */
async function writePolicy(
  run: GcpRun,
  target: ReturnType<typeof policyTarget>,
  wanted: WantedBinding[],
  state: Input['state'],
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = (await run.retry(
      `read IAM policy of ${target.description}`,
      () => target.get(),
    )) as Policy;
    const changes = diffPolicy(current, wanted, state);
    if (!changes.length) return;
    try {
      await run.retry(`write IAM policy of ${target.description}`, () =>
        target.set(applyChanges(current, changes, state)),
      );
      return;
    } catch (error) {
      // ABORTED (IAM, Cloud DNS) or 412 (Cloud Storage): the etag is stale.
      const info = googleErrorInfo(error);
      const stale = info.code === Code.ABORTED || info.httpStatus === 412;
      if (!stale || attempt >= MAX_POLICY_ATTEMPTS) throw error;
      run.logger.info(
        `IAM policy of ${
          target.description
        } changed concurrently; reading it again (attempt ${attempt + 1})`,
      );
    }
  }
}

const describeChanges = (changes: BindingChange[]) =>
  changes.map(c => `${c.role} ${c.member}`);

/** Creates the `gcp:iam:binding` action. */
export function createGcpIamBindingAction(options: GcpActionOptions) {
  return createTemplateAction({
    id: IAM_BINDING_ACTION_ID,
    description:
      'Grants roles to members on one bucket, managed zone or service account (its own IAM policy, read-modify-write with the etag), instead of project-wide. Re-runs are no-ops; with state: absent, removes those members.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: (z: any) =>
        z.object({
          ...commonOutput(z),
          resourceName: z
            .string()
            .describe(
              'Full name of the resource whose policy was edited, e.g. projects/_/buckets/coder-backups.',
            ),
          added: z
            .array(z.string())
            .describe(
              'Grants this run added ("<role> <member>"; planned, in a dry run).',
            ),
          removed: z
            .array(z.string())
            .describe(
              'Grants this run removed with state: absent ("<role> <member>"; planned, in a dry run).',
            ),
        }),
    },
    async handler(ctx) {
      const { input, clients, projectId, run } = startGcpRun<Input>(
        ctx,
        options,
        {
          id: IAM_BINDING_ACTION_ID,
          inputSchema,
          api: 'iam.googleapis.com',
        },
      );
      const target = policyTarget(
        clients,
        projectId,
        input.resourceType,
        input.resource,
      );
      const targetRun = new GcpRun(ctx, clients, projectId, target.api);
      try {
        const policy = await targetRun.readOptional(
          `read IAM policy of ${target.description}`,
          () => target.get(),
        );
        if (!policy && !run.dryRun) {
          throw new InputError(
            `resource: ${target.description} does not exist in project ${projectId}; create it first`,
          );
        }
        if (!policy)
          run.logger.warn(
            `[dry run] ${target.description} does not exist yet; a real run needs it`,
          );
        const changes = diffPolicy(
          policy ?? { bindings: [] },
          input.bindings,
          input.state,
        );
        run.plan(
          `IAM policy of ${target.description}`,
          changes.length
            ? { kind: 'update', fields: describeChanges(changes) }
            : { kind: 'none' },
        );
        if (changes.length && !run.dryRun) {
          const roles = [...new Set(input.bindings.map(b => b.role))].sort();
          await targetRun.mutate(
            `${IAM_BINDING_ACTION_ID}:${target.resourceName}:${
              input.state
            }:${roles.join(',')}`,
            `${
              input.state === 'present' ? 'grant' : 'revoke'
            } ${describeChanges(changes).join(', ')} on ${target.description}`,
            () => writePolicy(targetRun, target, input.bindings, input.state),
            // The read-modify-write retries transient errors per call.
            { retry: false },
          );
        }
        const listed = describeChanges(changes);
        ctx.output('projectId', projectId);
        ctx.output('resourceName', target.resourceName);
        ctx.output('added', input.state === 'present' ? listed : []);
        ctx.output('removed', input.state === 'absent' ? listed : []);
        ctx.output('changed', targetRun.changes.length > 0);
      } finally {
        await clients.close();
      }
    },
  });
}
