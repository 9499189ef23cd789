import { randomUUID } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GcpActionOptions } from './gcpClients';
import { Plan, startGcpRun } from './gcpRun';
import {
  lastSegment,
  operationName,
  sameSet,
  waitGlobal,
  waitRegional,
} from './computeOperations';
import { examples } from './gcpComputeNetwork.examples';
import {
  cidr,
  commonInput,
  resourceName,
  schemaOf,
  stateInput,
} from './inputProperties';
import { commonOutput } from './outputProperties';

export const COMPUTE_NETWORK_ACTION_ID = 'gcp:compute:network';

type FirewallInput = {
  name: string;
  description?: string;
  protocol: 'tcp' | 'udp' | 'icmp' | 'all';
  ports?: string[];
  sourceRanges: string[];
  targetTags?: string[];
  priority: number;
};

type Input = {
  projectId?: string;
  name: string;
  region: string;
  routingMode: 'REGIONAL' | 'GLOBAL';
  subnet: {
    name?: string;
    ipCidrRange: string;
    privateIpGoogleAccess: boolean;
  };
  firewallRules: FirewallInput[];
  state: 'present' | 'absent';
};

const inputSchema = schemaOf((z: any) =>
  z.object({
    ...commonInput(z),
    name: resourceName(
      z,
      'VPC network name, e.g. dev-vpc. Created in custom mode (no auto subnets).',
    ),
    region: z
      .string()
      .regex(/^[a-z]+-[a-z]+\d+$/, 'must be a region such as europe-west3')
      .default('europe-west3')
      .describe('Region of the subnet.'),
    routingMode: z
      .enum(['REGIONAL', 'GLOBAL'])
      .default('REGIONAL')
      .describe('Dynamic routing mode of the network.'),
    subnet: z
      .object({
        name: z
          .string()
          .optional()
          .describe(
            'Subnet name. Defaults to the network name with -vpc replaced by -subnet.',
          ),
        ipCidrRange: cidr(z, 'Primary IPv4 range of the subnet.').default(
          '10.55.0.0/24',
        ),
        privateIpGoogleAccess: z
          .boolean()
          .default(true)
          .describe('Let VMs without external IPs reach Google APIs.'),
      })
      .default({})
      .describe('The subnet in `region`.'),
    firewallRules: z
      .array(
        z.object({
          name: resourceName(z, 'Firewall rule name, e.g. dev-rule-nodeports.'),
          description: z
            .string()
            .optional()
            .describe('Description of the rule.'),
          protocol: z
            .enum(['tcp', 'udp', 'icmp', 'all'])
            .default('tcp')
            .describe('IP protocol allowed.'),
          ports: z
            .array(
              z
                .string()
                .regex(
                  /^\d{1,5}(-\d{1,5})?$/,
                  'must be a port or a range such as 30000-32767',
                ),
            )
            .optional()
            .describe('Ports or port ranges allowed (tcp/udp only).'),
          sourceRanges: z
            .array(cidr(z, 'Source range.'))
            .min(
              1,
              'state the source ranges explicitly; there is no default (the seed opened NodePorts to 0.0.0.0/0)',
            )
            .describe(
              'Source IPv4 ranges allowed. Required: no rule is opened to the internet by default.',
            ),
          targetTags: z
            .array(z.string())
            .optional()
            .describe(
              'Network tags of the VMs the rule applies to (e.g. gke-node). All VMs if omitted.',
            ),
          priority: z
            .number()
            .int()
            .min(0)
            .max(65535)
            .default(1000)
            .describe('Rule priority (lower wins).'),
        }),
      )
      .default([])
      .describe('Ingress allow rules of the network.'),
    state: stateInput(z, 'network, its subnet and firewall rules'),
  }),
);

/** Creates the `gcp:compute:network` action. */
export function createGcpComputeNetworkAction(options: GcpActionOptions) {
  return createTemplateAction({
    id: COMPUTE_NETWORK_ACTION_ID,
    description:
      'Creates or updates a custom-mode VPC network, one subnet (CIDR, private Google access) and ingress firewall rules with explicit source ranges and target tags. With state: absent, deletes rules, subnet and network.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: (z: any) =>
        z.object({
          ...commonOutput(z),
          network: z.string().describe('Network name.'),
          networkSelfLink: z.string().optional().describe('Network self link.'),
          subnet: z.string().describe('Subnet name.'),
          subnetSelfLink: z.string().optional().describe('Subnet self link.'),
          firewallRules: z
            .array(z.string())
            .describe('Names of the firewall rules managed.'),
        }),
    },
    async handler(ctx) {
      const { input, clients, projectId, run } = startGcpRun<Input>(
        ctx,
        options,
        {
          id: COMPUTE_NETWORK_ACTION_ID,
          inputSchema,
          api: 'compute.googleapis.com',
        },
      );
      const { region } = input;
      const subnetName =
        input.subnet.name ??
        (input.name.endsWith('-vpc')
          ? input.name.replace(/-vpc$/, '-subnet')
          : `${input.name}-subnet`);
      const networks = clients.networks();
      const subnetworks = clients.subnetworks();
      const firewalls = clients.firewalls();
      const networkUrl = `projects/${projectId}/global/networks/${input.name}`;
      const keyBase = `${COMPUTE_NETWORK_ACTION_ID}:${networkUrl}`;
      for (const rule of input.firewallRules) {
        if (rule.sourceRanges.includes('0.0.0.0/0')) {
          run.logger.warn(
            `firewallRules.${rule.name}: open to the whole internet (0.0.0.0/0) because the input says so`,
          );
        }
        if (
          rule.ports?.length &&
          (rule.protocol === 'icmp' || rule.protocol === 'all')
        ) {
          throw new InputError(
            `firewallRules.${rule.name}.ports: ports apply only to tcp and udp`,
          );
        }
      }
      try {
        const getNetwork = () =>
          run.readOptional(
            `get network ${input.name}`,
            async () =>
              (
                await networks.get({ project: projectId, network: input.name })
              )[0],
          );
        const getSubnet = () =>
          run.readOptional(
            `get subnet ${subnetName}`,
            async () =>
              (
                await subnetworks.get({
                  project: projectId,
                  region,
                  subnetwork: subnetName,
                })
              )[0],
          );
        const getFirewall = (name: string) =>
          run.readOptional(
            `get firewall rule ${name}`,
            async () =>
              (await firewalls.get({ project: projectId, firewall: name }))[0],
          );

        let network = await getNetwork();
        let subnet = await getSubnet();
        const rules = await Promise.all(
          input.firewallRules.map(r => getFirewall(r.name)),
        );

        if (input.state === 'absent') {
          const existingRules = input.firewallRules.filter((_, i) => rules[i]);
          for (const r of input.firewallRules)
            run.plan(
              `firewall rule ${r.name}`,
              rules[input.firewallRules.indexOf(r)]
                ? { kind: 'delete' }
                : { kind: 'absent' },
            );
          run.plan(
            `subnet ${subnetName}`,
            subnet ? { kind: 'delete' } : { kind: 'absent' },
          );
          run.plan(
            `network ${input.name}`,
            network ? { kind: 'delete' } : { kind: 'absent' },
          );
          if (!run.dryRun) {
            for (const r of existingRules) {
              const what = `delete firewall rule ${r.name}`;
              const op = await run.mutate(
                `${keyBase}:firewall:${r.name}:delete`,
                what,
                async () =>
                  operationName(
                    await firewalls.delete({
                      project: projectId,
                      firewall: r.name,
                      requestId: randomUUID(),
                    }),
                  ),
              );
              await waitGlobal(run, what, op);
            }
            if (subnet) {
              const what = `delete subnet ${subnetName}`;
              const op = await run.mutate(
                `${keyBase}:subnet:${subnetName}:delete`,
                what,
                async () =>
                  operationName(
                    await subnetworks.delete({
                      project: projectId,
                      region,
                      subnetwork: subnetName,
                      requestId: randomUUID(),
                    }),
                  ),
              );
              await waitRegional(run, what, region, op);
            }
            if (network) {
              const what = `delete network ${input.name}`;
              const op = await run.mutate(`${keyBase}:delete`, what, async () =>
                operationName(
                  await networks.delete({
                    project: projectId,
                    network: input.name,
                    requestId: randomUUID(),
                  }),
                ),
              );
              await waitGlobal(run, what, op);
            }
          }
          ctx.output('projectId', projectId);
          ctx.output('network', input.name);
          ctx.output('subnet', subnetName);
          ctx.output(
            'firewallRules',
            input.firewallRules.map(r => r.name),
          );
          ctx.output('changed', run.changes.length > 0);
          return;
        }

        // Network
        if (!network) {
          run.plan(`network ${input.name}`, { kind: 'create' });
          if (!run.dryRun) {
            const what = `create network ${input.name}`;
            const op = await run.mutate(`${keyBase}:create`, what, async () =>
              operationName(
                await networks.insert({
                  project: projectId,
                  requestId: randomUUID(),
                  networkResource: {
                    name: input.name,
                    autoCreateSubnetworks: false,
                    routingConfig: { routingMode: input.routingMode },
                  },
                }),
              ),
            );
            await waitGlobal(run, what, op);
            network = await getNetwork();
          }
        } else {
          if (network.autoCreateSubnetworks) {
            throw new InputError(
              `name: network ${input.name} exists in auto mode; this action manages custom-mode networks only (switch it to custom mode or choose another name)`,
            );
          }
          const routingMode = network.routingConfig?.routingMode ?? 'REGIONAL';
          const plan: Plan =
            routingMode !== input.routingMode
              ? { kind: 'update', fields: ['routingMode'] }
              : { kind: 'none' };
          run.plan(`network ${input.name}`, plan);
          if (plan.kind === 'update' && !run.dryRun) {
            const what = `update network ${input.name}: routingMode`;
            const op = await run.mutate(
              `${keyBase}:routing-mode`,
              what,
              async () =>
                operationName(
                  await networks.patch({
                    project: projectId,
                    network: input.name,
                    requestId: randomUUID(),
                    networkResource: {
                      routingConfig: { routingMode: input.routingMode },
                    },
                  }),
                ),
            );
            await waitGlobal(run, what, op);
          }
        }
        const networkLink =
          network?.selfLink ??
          `https://www.googleapis.com/compute/v1/${networkUrl}`;

        // Subnet
        if (!subnet) {
          run.plan(`subnet ${subnetName}`, { kind: 'create' });
          if (!run.dryRun) {
            const what = `create subnet ${subnetName} (${input.subnet.ipCidrRange})`;
            const op = await run.mutate(
              `${keyBase}:subnet:${subnetName}:create`,
              what,
              async () =>
                operationName(
                  await subnetworks.insert({
                    project: projectId,
                    region,
                    requestId: randomUUID(),
                    subnetworkResource: {
                      name: subnetName,
                      network: networkLink,
                      ipCidrRange: input.subnet.ipCidrRange,
                      privateIpGoogleAccess: input.subnet.privateIpGoogleAccess,
                    },
                  }),
                ),
            );
            await waitRegional(run, what, region, op);
            subnet = await getSubnet();
          }
        } else {
          if (lastSegment(subnet.network) !== input.name) {
            throw new InputError(
              `subnet.name: subnet ${subnetName} belongs to network ${lastSegment(
                subnet.network,
              )}, not ${input.name}`,
            );
          }
          if (subnet.ipCidrRange !== input.subnet.ipCidrRange) {
            throw new InputError(
              `subnet.ipCidrRange: subnet ${subnetName} has ${subnet.ipCidrRange}; changing the range in place is not supported (only expansion by hand with gcloud)`,
            );
          }
          const drift =
            !!subnet.privateIpGoogleAccess !==
            input.subnet.privateIpGoogleAccess;
          run.plan(
            `subnet ${subnetName}`,
            drift
              ? { kind: 'update', fields: ['privateIpGoogleAccess'] }
              : { kind: 'none' },
          );
          if (drift && !run.dryRun) {
            const what = `update subnet ${subnetName}: privateIpGoogleAccess`;
            const op = await run.mutate(
              `${keyBase}:subnet:${subnetName}:private-google-access`,
              what,
              async () =>
                operationName(
                  await subnetworks.setPrivateIpGoogleAccess({
                    project: projectId,
                    region,
                    subnetwork: subnetName,
                    requestId: randomUUID(),
                    subnetworksSetPrivateIpGoogleAccessRequestResource: {
                      privateIpGoogleAccess: input.subnet.privateIpGoogleAccess,
                    },
                  }),
                ),
            );
            await waitRegional(run, what, region, op);
          }
        }

        // Firewall rules
        for (const [i, rule] of input.firewallRules.entries()) {
          const desired = {
            name: rule.name,
            description: rule.description ?? '',
            network: networkLink,
            direction: 'INGRESS',
            priority: rule.priority,
            allowed: [
              {
                IPProtocol: rule.protocol,
                ...(rule.ports?.length ? { ports: rule.ports } : {}),
              },
            ],
            sourceRanges: rule.sourceRanges,
            targetTags: rule.targetTags ?? [],
          };
          const current = rules[i];
          const resource = `firewall rule ${rule.name}`;
          if (!current) {
            run.plan(resource, { kind: 'create' });
            if (!run.dryRun) {
              const what = `create ${resource}`;
              const op = await run.mutate(
                `${keyBase}:firewall:${rule.name}:create`,
                what,
                async () =>
                  operationName(
                    await firewalls.insert({
                      project: projectId,
                      requestId: randomUUID(),
                      firewallResource: desired,
                    }),
                  ),
              );
              await waitGlobal(run, what, op);
            }
            continue;
          }
          if (lastSegment(current.network) !== input.name) {
            throw new InputError(
              `firewallRules.${i}.name: rule ${
                rule.name
              } belongs to network ${lastSegment(current.network)}, not ${
                input.name
              }`,
            );
          }
          const fields: string[] = [];
          if ((current.description ?? '') !== desired.description)
            fields.push('description');
          if (Number(current.priority ?? 1000) !== rule.priority)
            fields.push('priority');
          if (!sameSet(current.sourceRanges ?? [], rule.sourceRanges))
            fields.push('sourceRanges');
          if (!sameSet(current.targetTags ?? [], desired.targetTags))
            fields.push('targetTags');
          const allowed = (current.allowed ?? []).map(
            a => `${a.IPProtocol}:${[...(a.ports ?? [])].sort().join(',')}`,
          );
          if (
            !sameSet(allowed, [
              `${rule.protocol}:${[...(rule.ports ?? [])].sort().join(',')}`,
            ])
          )
            fields.push('allowed');
          if (current.direction && current.direction !== 'INGRESS') {
            throw new InputError(
              `firewallRules.${i}.name: rule ${rule.name} is an ${current.direction} rule; this action manages ingress rules`,
            );
          }
          run.plan(
            resource,
            fields.length ? { kind: 'update', fields } : { kind: 'none' },
          );
          if (fields.length && !run.dryRun) {
            const what = `update ${resource}: ${fields.join(', ')}`;
            const op = await run.mutate(
              `${keyBase}:firewall:${rule.name}:patch`,
              what,
              async () =>
                operationName(
                  await firewalls.patch({
                    project: projectId,
                    firewall: rule.name,
                    requestId: randomUUID(),
                    firewallResource: desired,
                  }),
                ),
            );
            await waitGlobal(run, what, op);
          }
        }

        ctx.output('projectId', projectId);
        ctx.output('network', input.name);
        if (network?.selfLink) ctx.output('networkSelfLink', network.selfLink);
        ctx.output('subnet', subnetName);
        if (subnet?.selfLink) ctx.output('subnetSelfLink', subnet.selfLink);
        ctx.output(
          'firewallRules',
          input.firewallRules.map(r => r.name),
        );
        ctx.output('changed', run.changes.length > 0);
      } finally {
        await clients.close();
      }
    },
  });
}
