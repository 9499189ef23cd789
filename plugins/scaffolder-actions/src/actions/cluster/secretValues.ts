import { randomInt } from 'node:crypto';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

/**
 * The alphabets `kubernetes:secret` draws generated values from. `symbols`
 * adds punctuation that needs no quoting in URLs, YAML or shell words
 * (no quotes, `$`, backtick, backslash, `&`, `#`, spaces).
 */
export const CHARSETS = {
  alphanumeric: UPPER + LOWER + DIGITS,
  lowercase: LOWER + DIGITS,
  hex: `${DIGITS}abcdef`,
  base64url: `${UPPER}${LOWER}${DIGITS}-_`,
  symbols: `${UPPER}${LOWER}${DIGITS}!%+,-./:=?@^_~`,
} as const;

export type Charset = keyof typeof CHARSETS;

export const CHARSET_NAMES = Object.keys(CHARSETS) as [Charset, ...Charset[]];

/** A random string of `length` characters from `charset`, each drawn uniformly (no modulo bias). */
export function generateSecretValue(length: number, charset: Charset): string {
  const alphabet = CHARSETS[charset];
  let value = '';
  for (let i = 0; i < length; i++)
    value += alphabet[randomInt(alphabet.length)];
  return value;
}

/** What one key of the target Secret gets, and why (names only, never values). */
export type KeySource =
  | 'generated'
  | 'kept'
  | 'supplied'
  | 'copied'
  | 'literal';

/** The keys a run writes, by source, for logs and outputs. */
export type SecretPlanSummary = {
  keys: string[];
  generated: string[];
  supplied: string[];
  copied: string[];
  kept: string[];
};

/** Groups `key -> source` into the sorted lists the outputs report. */
export function summarise(
  sources: Record<string, KeySource>,
): SecretPlanSummary {
  const of = (s: KeySource) =>
    Object.keys(sources)
      .filter(k => sources[k] === s)
      .sort();
  return {
    keys: Object.keys(sources).sort(),
    generated: of('generated'),
    supplied: of('supplied'),
    copied: of('copied'),
    kept: of('kept'),
  };
}
