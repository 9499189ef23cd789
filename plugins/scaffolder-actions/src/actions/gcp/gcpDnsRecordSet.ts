import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GcpActionOptions } from './gcpClients';
import { startGcpRun } from './gcpRun';
import { fqdn } from './gcpDnsManagedZone';
import { examples } from './gcpDnsRecordSet.examples';
import {
  commonInput,
  resourceName,
  schemaOf,
  stateInput,
} from './inputProperties';
import { commonOutput } from './outputProperties';

export const DNS_RECORD_SET_ACTION_ID = 'gcp:dns:record-set';

type RecordInput = {
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
};
type Input = {
  projectId?: string;
  zone: string;
  records: RecordInput[];
  state: 'present' | 'absent';
};
type RRSet = { name: string; type: string; ttl: number; rrdatas: string[] };

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

const inputSchema = schemaOf((z: any) =>
  z.object({
    ...commonInput(z),
    zone: resourceName(z, 'Managed zone name, e.g. isium-de.'),
    records: z
      .array(
        z
          .object({
            name: z
              .string()
              .min(1)
              .describe(
                'Record name: absolute with a trailing dot (lb.dev.example.com.), relative to the zone (lb.dev), or @ for the apex.',
              ),
            type: z
              .enum(['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'SRV', 'CAA'])
              .describe('Record type.'),
            ttl: z
              .number()
              .int()
              .min(0)
              .max(604800)
              .default(300)
              .describe('Time to live in seconds.'),
            rrdatas: z
              .array(z.string().min(1))
              .min(1)
              .describe(
                'Record data, e.g. an IP address for A, a host name for CNAME.',
              ),
          })
          .superRefine((r: RecordInput, ctx: any) => {
            if (r.type === 'A') {
              r.rrdatas.forEach((d, i) => {
                if (!IPV4.test(d))
                  ctx.addIssue({
                    code: 'custom',
                    path: ['rrdatas', i],
                    message: `'${d}' is not an IPv4 address`,
                  });
              });
            }
            if (r.type === 'CNAME' && r.rrdatas.length !== 1) {
              ctx.addIssue({
                code: 'custom',
                path: ['rrdatas'],
                message: 'a CNAME has exactly one target',
              });
            }
          }),
      )
      .min(1)
      .describe(
        'Record sets to manage in the zone; each is replaced atomically when it differs.',
      ),
    state: stateInput(z, 'record sets'),
  }),
);

const normalize = (r: {
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
}) => `${r.name} ${r.type} ${Number(r.ttl)} ${[...r.rrdatas].sort().join(' ')}`;

/** Creates the `gcp:dns:record-set` action. */
export function createGcpDnsRecordSetAction(options: GcpActionOptions) {
  return createTemplateAction({
    id: DNS_RECORD_SET_ACTION_ID,
    description:
      'Creates, replaces or (state: absent) deletes Cloud DNS record sets. All differing sets go into one atomic change (deletions + additions); sets that already match are left alone.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: (z: any) =>
        z.object({
          ...commonOutput(z),
          zone: z.string().describe('Managed zone name.'),
          records: z
            .array(z.string())
            .describe('Absolute names of the record sets managed.'),
          changeId: z
            .string()
            .optional()
            .describe('ID of the Cloud DNS change made, if any.'),
        }),
    },
    async handler(ctx) {
      const { input, clients, projectId, run } = startGcpRun<Input>(
        ctx,
        options,
        {
          id: DNS_RECORD_SET_ACTION_ID,
          inputSchema,
          api: 'dns.googleapis.com',
        },
      );
      const zone = clients.dns(projectId).zone(input.zone);
      const zoneMeta = (await run.readOptional(
        `get managed zone ${input.zone}`,
        async () => (await zone.getMetadata())[0],
      )) as { dnsName: string } | undefined;
      if (!zoneMeta && !run.dryRun)
        throw new InputError(
          `zone: managed zone ${input.zone} does not exist in project ${projectId} (create it with gcp:dns:managed-zone)`,
        );
      if (!zoneMeta) {
        // A dry run of a template whose earlier step creates the zone: plan
        // every record as a creation, with names as given.
        run.logger.warn(
          `[dry run] managed zone ${input.zone} does not exist in project ${projectId} yet; a real run needs it (gcp:dns:managed-zone)`,
        );
        for (const r of input.records)
          run.plan(`record set ${r.type} ${r.name}`, { kind: 'create' });
        ctx.output('projectId', projectId);
        ctx.output('zone', input.zone);
        ctx.output(
          'records',
          input.records.map(r => r.name),
        );
        ctx.output('changed', false);
        return;
      }
      const zoneDns: string = zoneMeta.dnsName;
      const absolute = (name: string, i: number) => {
        let result: string;
        if (name === '@') result = zoneDns;
        else if (name.endsWith('.')) result = name;
        else if (fqdn(name) === zoneDns || fqdn(name).endsWith(`.${zoneDns}`))
          result = fqdn(name);
        else result = `${name}.${zoneDns}`;
        if (result !== zoneDns && !result.endsWith(`.${zoneDns}`)) {
          throw new InputError(
            `records.${i}.name: ${result} is not inside the zone ${input.zone} (${zoneDns})`,
          );
        }
        return result.toLowerCase();
      };
      const desired: RRSet[] = input.records.map((r, i) => ({
        name: absolute(r.name, i),
        type: r.type,
        ttl: r.ttl,
        rrdatas: r.type === 'CNAME' ? r.rrdatas.map(fqdn) : r.rrdatas,
      }));
      const keys = desired.map(d => `${d.name} ${d.type}`);
      if (new Set(keys).size !== keys.length)
        throw new InputError('records: each name and type may appear once');

      const additions: RRSet[] = [];
      const deletions: any[] = [];
      for (const d of desired) {
        const [existing] = (
          await run.read(
            `read ${d.type} ${d.name}`,
            async () =>
              (
                await zone.getRecords({ name: d.name, type: d.type } as any)
              )[0],
          )
        ).filter(
          (rec: any) => rec.metadata?.name === d.name && rec.type === d.type,
        );
        const current = existing ? (existing.toJSON() as RRSet) : undefined;
        const resource = `record set ${d.type} ${d.name}`;
        if (input.state === 'absent') {
          run.plan(resource, current ? { kind: 'delete' } : { kind: 'absent' });
          if (current) deletions.push(existing);
          continue;
        }
        if (!current) {
          run.plan(resource, { kind: 'create' });
          additions.push(d);
        } else if (normalize(current) !== normalize(d)) {
          const fields = [
            Number(current.ttl) !== d.ttl ? 'ttl' : '',
            normalize({ ...current, ttl: 0 }) !== normalize({ ...d, ttl: 0 })
              ? 'rrdatas'
              : '',
          ].filter(Boolean);
          run.plan(resource, { kind: 'update', fields });
          deletions.push(existing);
          additions.push(d);
        } else {
          run.plan(resource, { kind: 'none' });
        }
      }

      let changeId: string | undefined;
      if ((additions.length || deletions.length) && !run.dryRun) {
        const what = `change ${additions.length} addition(s), ${deletions.length} deletion(s) in zone ${input.zone}`;
        changeId = await run.mutate(
          // Names the record sets: two steps on one zone must not share a key.
          `${DNS_RECORD_SET_ACTION_ID}:projects/${projectId}/managedZones/${
            input.zone
          }:${input.state}:${[...keys].sort().join(',')}`,
          what,
          async () => {
            const [change] = await zone.createChange({
              ...(additions.length
                ? {
                    add: additions.map(a =>
                      zone.record(a.type, {
                        name: a.name,
                        ttl: a.ttl,
                        data: a.rrdatas,
                      }),
                    ),
                  }
                : {}),
              ...(deletions.length ? { delete: deletions } : {}),
            } as any);
            return String(change.id);
          },
        );
        const change = zone.change(changeId);
        await run.waitFor(what, async () => {
          const [meta] = await change.getMetadata();
          return { done: (meta as any).status === 'done' };
        });
      }
      ctx.output('projectId', projectId);
      ctx.output('zone', input.zone);
      ctx.output(
        'records',
        desired.map(d => d.name),
      );
      if (changeId) ctx.output('changeId', changeId);
      ctx.output('changed', run.changes.length > 0);
    },
  });
}
