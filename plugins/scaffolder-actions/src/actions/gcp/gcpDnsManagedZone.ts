import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GcpActionOptions } from './gcpClients';
import { startGcpRun } from './gcpRun';
import { examples } from './gcpDnsManagedZone.examples';
import {
  commonInput,
  labelsInput,
  resourceName,
  schemaOf,
} from './inputProperties';
import { commonOutput } from './outputProperties';

export const DNS_MANAGED_ZONE_ACTION_ID = 'gcp:dns:managed-zone';

type Input = {
  projectId?: string;
  name: string;
  dnsName: string;
  description?: string;
  labels?: Record<string, string>;
};

/** `example.com` → `example.com.` */
export const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.`);

const inputSchema = schemaOf((z: any) =>
  z.object({
    ...commonInput(z),
    name: resourceName(z, 'Managed zone name, e.g. isium-de.'),
    dnsName: z
      .string()
      .regex(
        /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/i,
        'must be a domain name such as example.com',
      )
      .describe(
        'DNS name the zone serves, e.g. example.com (a trailing dot is added).',
      ),
    description: z
      .string()
      .max(1024)
      .optional()
      .describe('Zone description. Defaults to "Managed zone for <dnsName>".'),
    labels: labelsInput(z),
  }),
);

type ZoneMetadata = {
  name: string;
  dnsName: string;
  description?: string;
  labels?: Record<string, string>;
  nameServers?: string[];
};

/** Creates the `gcp:dns:managed-zone` action. */
export function createGcpDnsManagedZoneAction(options: GcpActionOptions) {
  return createTemplateAction({
    id: DNS_MANAGED_ZONE_ACTION_ID,
    description:
      'Creates or updates a public Cloud DNS managed zone and outputs its name servers, to delegate the domain to.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: (z: any) =>
        z.object({
          ...commonOutput(z),
          name: z.string().describe('Managed zone name.'),
          dnsName: z
            .string()
            .describe('DNS name of the zone, with the trailing dot.'),
          nameServers: z
            .array(z.string())
            .describe(
              'Name servers to delegate the domain to (NS records at the registrar or parent zone).',
            ),
        }),
    },
    async handler(ctx) {
      const { input, clients, projectId, run } = startGcpRun<Input>(
        ctx,
        options,
        {
          id: DNS_MANAGED_ZONE_ACTION_ID,
          inputSchema,
          api: 'dns.googleapis.com',
        },
      );
      const dnsName = fqdn(input.dnsName.toLowerCase());
      const description =
        input.description ?? `Managed zone for ${dnsName.replace(/\.$/, '')}`;
      const dns = clients.dns(projectId);
      const zone = dns.zone(input.name);
      const resource = `managed zone ${input.name} (${dnsName})`;

      let metadata = (await run.readOptional(
        `get ${resource}`,
        async () => (await zone.getMetadata())[0],
      )) as ZoneMetadata | undefined;
      if (!metadata) {
        run.plan(resource, { kind: 'create' });
        if (!run.dryRun) {
          metadata = await run.mutate(
            `${DNS_MANAGED_ZONE_ACTION_ID}:projects/${projectId}/managedZones/${input.name}:create`,
            `create ${resource}`,
            async () => {
              const [, response] = await dns.createZone(input.name, {
                dnsName,
                description,
                ...(input.labels ? { labels: input.labels } : {}),
              } as any);
              return response as any;
            },
          );
        }
      } else {
        if (metadata.dnsName !== dnsName) {
          throw new InputError(
            `dnsName: managed zone ${input.name} serves ${metadata.dnsName}, not ${dnsName}; a zone's DNS name cannot change (choose another zone name)`,
          );
        }
        const fields: string[] = [];
        if ((metadata.description ?? '') !== description)
          fields.push('description');
        if (
          input.labels &&
          JSON.stringify(Object.entries(metadata.labels ?? {}).sort()) !==
            JSON.stringify(Object.entries(input.labels).sort())
        ) {
          fields.push('labels');
        }
        run.plan(
          resource,
          fields.length ? { kind: 'update', fields } : { kind: 'none' },
        );
        if (fields.length && !run.dryRun) {
          await run.mutate(
            `${DNS_MANAGED_ZONE_ACTION_ID}:projects/${projectId}/managedZones/${input.name}:update`,
            `update ${resource}: ${fields.join(', ')}`,
            async () => {
              // managedZones.patch; the Zone object has no setMetadata, so use its
              // authenticated request() on the zone's own URI.
              await new Promise<void>((resolve, reject) =>
                (zone as any).request(
                  {
                    method: 'PATCH',
                    uri: '',
                    json: {
                      description,
                      ...(input.labels ? { labels: input.labels } : {}),
                    },
                  },
                  (err: unknown) => (err ? reject(err) : resolve()),
                ),
              );
            },
          );
        }
      }
      const nameServers = metadata?.nameServers ?? [];
      if (nameServers.length) {
        run.logger.info(
          `Delegate ${dnsName} to the zone's name servers: ${nameServers.join(
            ', ',
          )}`,
        );
      }
      ctx.output('projectId', projectId);
      ctx.output('name', input.name);
      ctx.output('dnsName', dnsName);
      ctx.output('nameServers', nameServers);
      ctx.output('changed', run.changes.length > 0);
    },
  });
}
