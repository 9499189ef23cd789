import { ConfigReader } from '@backstage/config';
import { createGcpActions } from './index';

describe('createGcpActions', () => {
  it('returns every GCP action, each with examples, dry-run support and described schemas', () => {
    const actions = createGcpActions({ config: new ConfigReader({}) });
    expect(actions.map(a => a.id).sort()).toEqual([
      'gcp:compute:address',
      'gcp:compute:cluster-disks',
      'gcp:compute:network',
      'gcp:dns:managed-zone',
      'gcp:dns:record-set',
      'gcp:gke:cluster',
      'gcp:iam:binding',
      'gcp:iam:service-account',
      'gcp:services:enable',
      'gcp:storage:bucket',
      'gcp:storage:prefix-delete',
    ]);
    for (const action of actions) {
      expect(action.supportsDryRun).toBe(true);
      expect(action.examples?.length).toBeGreaterThan(0);
      const undescribed: string[] = [];
      // Every field (object property) has a description; array items are
      // described by their field.
      const walk = (schema: any, path: string, isField: boolean) => {
        if (!schema || typeof schema !== 'object') return;
        if (isField && !schema.description) undescribed.push(path);
        for (const [key, value] of Object.entries<any>(schema.properties ?? {}))
          walk(value, `${path}.${key}`, true);
        if (schema.items) walk(schema.items, `${path}[]`, false);
      };
      walk(action.schema?.input, '', false);
      walk(action.schema?.output, '', false);
      expect({ id: action.id, undescribed }).toEqual({
        id: action.id,
        undescribed: [],
      });
    }
  });
});
