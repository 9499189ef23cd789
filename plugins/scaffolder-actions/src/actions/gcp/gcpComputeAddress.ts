import { randomUUID } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GcpActionOptions } from './gcpClients';
import { startGcpRun } from './gcpRun';
import { operationName, waitRegional } from './computeOperations';
import { examples } from './gcpComputeAddress.examples';
import {
  commonInput,
  labelsInput,
  resourceName,
  schemaOf,
  stateInput,
} from './inputProperties';
import { commonOutput } from './outputProperties';

export const COMPUTE_ADDRESS_ACTION_ID = 'gcp:compute:address';

/** `address` in a dry run before the address is reserved (documented in the output schema). */
export const PLANNED_ADDRESS = '0.0.0.0';

type Input = {
  projectId?: string;
  name: string;
  region: string;
  networkTier: 'PREMIUM' | 'STANDARD';
  description?: string;
  labels?: Record<string, string>;
  state: 'present' | 'absent';
};

const inputSchema = schemaOf((z: any) =>
  z.object({
    ...commonInput(z),
    name: resourceName(z, 'Address name, e.g. dev-cluster-lb-ip.'),
    region: z
      .string()
      .regex(/^[a-z]+-[a-z]+\d+$/, 'must be a region such as europe-west3')
      .default('europe-west3')
      .describe('Region of the address.'),
    networkTier: z
      .enum(['PREMIUM', 'STANDARD'])
      .default('PREMIUM')
      .describe('Network tier (cannot change in place).'),
    description: z
      .string()
      .optional()
      .describe('Description (set at creation only).'),
    labels: labelsInput(z),
    state: stateInput(z, 'address'),
  }),
);

const sameLabels = (
  a?: Record<string, string> | null,
  b?: Record<string, string>,
) =>
  JSON.stringify(Object.entries(a ?? {}).sort()) ===
  JSON.stringify(Object.entries(b ?? {}).sort());

/** Creates the `gcp:compute:address` action. */
export function createGcpComputeAddressAction(options: GcpActionOptions) {
  return createTemplateAction({
    id: COMPUTE_ADDRESS_ACTION_ID,
    description:
      'Reserves a regional static external IPv4 address (for the ingress load balancer) and outputs it. With state: absent, releases it.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: (z: any) =>
        z.object({
          ...commonOutput(z),
          name: z.string().describe('Address name.'),
          region: z.string().describe('Region.'),
          address: z
            .string()
            .optional()
            .describe(
              `The reserved IPv4 address. In a dry run of an address not reserved yet: ${PLANNED_ADDRESS} (the unspecified address, never a real one), so the dry run of a later step that chains it (an A record) validates; \`reserved\` is false then. Absent with state: absent.`,
            ),
          reserved: z
            .boolean()
            .describe(
              'Whether the address exists in GCP now (false in a dry run before creation and after a release).',
            ),
          selfLink: z.string().optional().describe('Self link of the address.'),
        }),
    },
    async handler(ctx) {
      const { input, clients, projectId, run } = startGcpRun<Input>(
        ctx,
        options,
        {
          id: COMPUTE_ADDRESS_ACTION_ID,
          inputSchema,
          api: 'compute.googleapis.com',
        },
      );
      const { region, name } = input;
      const addresses = clients.addresses();
      const resource = `address ${name} (${region})`;
      const keyBase = `${COMPUTE_ADDRESS_ACTION_ID}:projects/${projectId}/regions/${region}/addresses/${name}`;
      try {
        const get = () =>
          run.readOptional(
            `get ${resource}`,
            async () =>
              (
                await addresses.get({
                  project: projectId,
                  region,
                  address: name,
                })
              )[0],
          );
        let address = await get();
        if (input.state === 'absent') {
          run.plan(resource, address ? { kind: 'delete' } : { kind: 'absent' });
          if (address && !run.dryRun) {
            if (address.status === 'IN_USE') {
              run.logger.warn(
                `${resource} is in use by ${(address.users ?? []).join(
                  ', ',
                )}; the release fails until that is deleted`,
              );
            }
            const op = await run.mutate(
              `${keyBase}:delete`,
              `release ${resource}`,
              async () =>
                operationName(
                  await addresses.delete({
                    project: projectId,
                    region,
                    address: name,
                    requestId: randomUUID(),
                  }),
                ),
            );
            await waitRegional(run, `release ${resource}`, region, op);
          }
        } else if (!address) {
          run.plan(resource, { kind: 'create' });
          if (!run.dryRun) {
            const op = await run.mutate(
              `${keyBase}:create`,
              `reserve ${resource}`,
              async () =>
                operationName(
                  await addresses.insert({
                    project: projectId,
                    region,
                    requestId: randomUUID(),
                    addressResource: {
                      name,
                      addressType: 'EXTERNAL',
                      networkTier: input.networkTier,
                      ...(input.description
                        ? { description: input.description }
                        : {}),
                      ...(input.labels ? { labels: input.labels } : {}),
                    },
                  }),
                ),
            );
            await waitRegional(run, `reserve ${resource}`, region, op);
            address = await get();
          }
        } else {
          if (address.addressType && address.addressType !== 'EXTERNAL') {
            throw new InputError(
              `name: ${resource} is an ${address.addressType} address; this action manages external addresses`,
            );
          }
          if ((address.networkTier ?? 'PREMIUM') !== input.networkTier) {
            throw new InputError(
              `networkTier: ${resource} is ${address.networkTier}; the tier cannot change in place (release it first)`,
            );
          }
          const drift =
            input.labels !== undefined &&
            !sameLabels(address.labels as Record<string, string>, input.labels);
          run.plan(
            resource,
            drift ? { kind: 'update', fields: ['labels'] } : { kind: 'none' },
          );
          if (drift && !run.dryRun) {
            const op = await run.mutate(
              `${keyBase}:labels`,
              `update ${resource}: labels`,
              async () =>
                operationName(
                  await addresses.setLabels({
                    project: projectId,
                    region,
                    resource: name,
                    requestId: randomUUID(),
                    regionSetLabelsRequestResource: {
                      labels: input.labels,
                      labelFingerprint: address!.labelFingerprint,
                    },
                  }),
                ),
            );
            await waitRegional(run, `update ${resource}: labels`, region, op);
          }
        }
        ctx.output('projectId', projectId);
        ctx.output('name', name);
        ctx.output('region', region);
        if (address?.address && input.state === 'present') {
          ctx.output('address', address.address);
          run.logger.info(`${resource}: ${address.address}`);
        } else if (input.state === 'present' && run.dryRun) {
          ctx.output('address', PLANNED_ADDRESS);
          run.logger.info(
            `[dry run] ${resource}: not reserved yet; later steps see ${PLANNED_ADDRESS}`,
          );
        }
        ctx.output(
          'reserved',
          input.state === 'present' ? !!address : !!address && run.dryRun,
        );
        if (address?.selfLink && input.state === 'present')
          ctx.output('selfLink', address.selfLink);
        ctx.output('changed', run.changes.length > 0);
      } finally {
        await clients.close();
      }
    },
  });
}
