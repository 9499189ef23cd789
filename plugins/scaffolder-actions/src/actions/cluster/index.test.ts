import { ConfigReader } from '@backstage/config';
import { createClusterActions } from './index';

type JsonSchema = {
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema | JsonSchema[];
  anyOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
};

/** Paths of object properties without a description. */
function undescribed(schema: JsonSchema | undefined, path: string): string[] {
  if (!schema) return [];
  const missing: string[] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const described =
      child.description || child.anyOf?.some(variant => variant.description);
    if (!described) missing.push(`${path}.${key}`);
    missing.push(...undescribed(child, `${path}.${key}`));
    for (const variant of child.anyOf ?? []) {
      missing.push(...undescribed(variant, `${path}.${key}`));
    }
  }
  const items = Array.isArray(schema.items) ? schema.items : [schema.items];
  for (const item of items) missing.push(...undescribed(item, `${path}[]`));
  return missing;
}

describe('createClusterActions', () => {
  const actions = createClusterActions({ config: new ConfigReader({}) });

  it('creates every cluster action once', () => {
    expect(actions.map(a => a.id)).toEqual([
      'kubernetes:apply',
      'helm:release',
      'keycloak:realm',
      'keycloak:client',
      'coder:bootstrap',
      'coder:template:push',
      'coder:template:fetch',
      'coder-platform:postgres:guard',
      'kubernetes:secret',
      'kubernetes:delete',
      'keycloak:group',
      'http:wait',
    ]);
  });

  it.each(actions.map(a => [a.id, a]))(
    '%s describes every input and output field, has examples and supports dry run',
    (_id, action) => {
      expect(action.description).toBeTruthy();
      expect(action.supportsDryRun).toBe(true);
      expect(action.examples?.length).toBeGreaterThan(0);
      const input = action.schema?.input as JsonSchema;
      const output = action.schema?.output as JsonSchema;
      expect(Object.keys(input.properties ?? {}).length).toBeGreaterThan(0);
      expect(undescribed(input, 'input')).toEqual([]);
      expect(undescribed(output, 'output')).toEqual([]);
    },
  );
});
