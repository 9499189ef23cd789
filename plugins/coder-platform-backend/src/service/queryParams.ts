import { InputError } from '@backstage/errors';
import type { Request } from 'express';

/** One query parameter a route accepts. */
export type ParamSpec =
  | { type: 'int'; default: number; min: number; max: number }
  | { type: 'string'; maxLength: number }
  | { type: 'boolean' };

type Value<S extends ParamSpec> = S extends { type: 'int' }
  ? number
  : S extends { type: 'string' }
  ? string | undefined
  : S extends { type: 'boolean' }
  ? boolean | undefined
  : never;

export type ParsedQuery<T extends Record<string, ParamSpec>> = {
  [K in keyof T]: Value<T[K]>;
};

// C0 and C1 control characters, DEL, and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Reads a route's query parameters, or a 400 naming the parameter: unknown
 * names, parameters given more than once, integers out of bounds, booleans
 * other than `true`/`false`, strings too long or holding control characters.
 * Nothing is sent upstream before every parameter is valid.
 */
export function parseQuery<T extends Record<string, ParamSpec>>(
  req: Request,
  spec: T,
): ParsedQuery<T> {
  const query = req.query as Record<string, unknown>;
  const unknown = Object.keys(query).filter(
    name => !Object.prototype.hasOwnProperty.call(spec, name),
  );
  if (unknown.length > 0) {
    const accepted = Object.keys(spec);
    throw new InputError(
      `Unknown query parameter${unknown.length === 1 ? '' : 's'} ${unknown
        .map(name => `"${name}"`)
        .join(', ')}; this route accepts ${
        accepted.length
          ? accepted.map(name => `"${name}"`).join(', ')
          : 'no query parameters'
      }`,
    );
  }
  const result: Record<string, unknown> = {};
  for (const [name, param] of Object.entries(spec)) {
    const raw = query[name];
    if (raw !== undefined && typeof raw !== 'string') {
      throw new InputError(
        `Query parameter "${name}" must be given once, as a ${
          param.type === 'int' ? 'integer' : param.type
        }`,
      );
    }
    result[name] = parseOne(name, raw === '' ? undefined : raw, param);
  }
  return result as ParsedQuery<T>;
}

function parseOne(name: string, raw: string | undefined, param: ParamSpec) {
  switch (param.type) {
    case 'int': {
      if (raw === undefined) return param.default;
      if (!/^-?\d{1,16}$/.test(raw)) {
        throw new InputError(
          `Query parameter "${name}" must be an integer, got ${JSON.stringify(
            raw.slice(0, 40),
          )}`,
        );
      }
      const value = Number(raw);
      if (value < param.min || value > param.max) {
        throw new InputError(
          `Query parameter "${name}" must be between ${param.min} and ${param.max}, got ${value}`,
        );
      }
      return value;
    }
    case 'boolean': {
      if (raw === undefined) return undefined;
      if (raw !== 'true' && raw !== 'false') {
        throw new InputError(
          `Query parameter "${name}" must be true or false, got ${JSON.stringify(
            raw.slice(0, 40),
          )}`,
        );
      }
      return raw === 'true';
    }
    case 'string': {
      if (raw === undefined) return undefined;
      if (raw.length > param.maxLength) {
        throw new InputError(
          `Query parameter "${name}" is longer than ${param.maxLength} characters`,
        );
      }
      if (CONTROL.test(raw)) {
        throw new InputError(
          `Query parameter "${name}" must not contain control characters`,
        );
      }
      return raw;
    }
    default:
      throw new Error('unreachable');
  }
}
