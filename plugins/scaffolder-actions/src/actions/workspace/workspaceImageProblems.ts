/* Collects every refused field of a workspace-image request, each with a short escaped preview of the value. */

/** A short, escaped view of a refused value: never raw newlines or 10 kB. */
export function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  const shown = JSON.stringify(
    text.length > 40 ? `${text.slice(0, 40)}…` : text,
  );
  return text.length > 40 ? `${shown} (${text.length} characters)` : shown;
}

export class Problems {
  readonly list: string[] = [];
  add(field: string, reason: string) {
    this.list.push(`${field}: ${reason}`);
  }
  string(
    field: string,
    value: unknown,
    pattern: string,
    rule: string,
    { optional = false, max = 255 }: { optional?: boolean; max?: number } = {},
  ) {
    if (value === undefined || value === null || value === '') {
      if (!optional) this.add(field, 'is required');
      return undefined;
    }
    if (typeof value === 'string' && value.length > max) {
      this.add(field, `${preview(value)} is longer than ${max} characters`);
      return undefined;
    }
    if (typeof value !== 'string' || !new RegExp(pattern).test(value)) {
      this.add(field, `${preview(value)} is not ${rule}`);
      return undefined;
    }
    return value;
  }
  list_(
    field: string,
    value: unknown,
    pattern: string,
    rule: string,
    max: number,
  ) {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.add(field, 'must be a list');
      return [];
    }
    if (value.length > max)
      this.add(field, `at most ${max} entries, got ${value.length}`);
    const seen = new Set<string>();
    const accepted: string[] = [];
    value.slice(0, max).forEach((item, index) => {
      const ok = this.string(`${field}[${index}]`, item, pattern, rule);
      if (ok === undefined) return;
      if (seen.has(ok.toLowerCase()))
        this.add(`${field}[${index}]`, `"${ok}" is listed twice`);
      seen.add(ok.toLowerCase());
      accepted.push(ok);
    });
    return accepted;
  }
  number(
    field: string,
    value: unknown,
    limits: { min: number; max: number; step?: number },
    unit: string,
  ) {
    const step = limits.step ?? 1;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.add(field, `${preview(value)} is not a number`);
      return undefined;
    }
    if (
      value < limits.min ||
      value > limits.max ||
      !Number.isInteger(value / step)
    ) {
      this.add(
        field,
        `${value} is not ${
          step === 1 ? 'a whole number' : `a multiple of ${step}`
        } of ${unit} between ${limits.min} and ${limits.max}`,
      );
      return undefined;
    }
    return value;
  }
  boolean(field: string, value: unknown) {
    if (typeof value !== 'boolean') {
      this.add(field, `${preview(value)} is not true or false`);
      return undefined;
    }
    return value;
  }
}
