import fc from 'fast-check';

/*
 * Arbitraries shared by the property tests over action input schemas (GCP and
 * cluster actions): values of the wrong JSON type for a field, and the fields
 * of an action's input schema as JSON schema describes them.
 */

/** Values of another JSON type than `type`; undefined for types not generated. */
export const wrongType = (type: unknown) => {
  switch (type) {
    case 'string':
      return fc.oneof(
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.string(), { maxLength: 3 }),
        fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
      );
    case 'number':
    case 'integer':
      return fc.oneof(
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.constant([]),
      );
    case 'boolean':
      return fc.oneof(
        fc.string(),
        fc.integer(),
        fc.constant(null),
        fc.constant({}),
      );
    case 'array':
      return fc.oneof(
        fc.string(),
        fc.integer(),
        fc.constant(null),
        fc.constant({}),
      );
    case 'object':
      return fc.oneof(
        fc.string(),
        fc.integer(),
        fc.constant(null),
        fc.array(fc.integer()),
      );
    default:
      return undefined;
  }
};

export type Field = {
  name: string;
  type?: string;
  pattern?: string;
  enum?: unknown[];
  maxLength?: number;
  minLength?: number;
};

export function fieldsOf(action: any): Field[] {
  const properties = action.schema?.input?.properties ?? {};
  return Object.entries<any>(properties).map(([name, s]) => ({
    name,
    type: s.type ?? (s.enum ? 'string' : undefined),
    pattern: s.pattern,
    enum: s.enum,
    maxLength: s.maxLength,
    minLength: s.minLength,
  }));
}
