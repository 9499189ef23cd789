/** Helm-style deep merge: maps merge key by key, anything else is replaced. */
export function mergeValues(
  ...layers: (Record<string, unknown> | undefined)[]
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      const current = result[key];
      result[key] =
        isMap(current) && isMap(value) ? mergeValues(current, value) : value;
    }
  }
  return result;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every string or number leaf of a values tree, as text (values to mask). */
export function leafStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(leafStrings);
  if (isMap(value)) return Object.values(value).flatMap(leafStrings);
  return [];
}
