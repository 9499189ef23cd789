/**
 * The one redaction of the suite. Every exit (logs, action outputs, errors,
 * HTTP responses) passes text through {@link redact} with the secrets known
 * at that point: configured values, and values obtained at run time (Google
 * access tokens, passwords read from Kubernetes Secrets) registered with a
 * {@link SecretRegistry}.
 */

/** Shortest value treated as a secret; shorter ones would mask ordinary words. */
const MIN_SECRET_LENGTH = 4;

const MASK = '***';

/** Keys whose values are secrets wherever they appear (query strings, headers, JSON, YAML). */
const SECRET_KEY =
  '(?:password|passwd|secret|client_secret|clientSecret|token|access_token|refresh_token|id_token|session_token|sessionToken|api[_-]?key|private_key|privateKeyData|Coder-Session-Token|cookie[_-]?secret)';

const PATTERNS: Array<[RegExp, string]> = [
  // PEM private keys, also JSON-escaped (\n inside a string).
  [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
    '[redacted private key]',
  ],
  // HTTP authorization schemes.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${MASK}`],
  // Google OAuth access tokens and refresh tokens, wherever they appear.
  [/\bya29\.[A-Za-z0-9._~+/=-]+/g, MASK],
  [/\b1\/\/[A-Za-z0-9._~+/=-]{20,}/g, MASK],
  // JSON-shaped: "password": "x", \"password\":\"x\" (escaped inside a string).
  [
    new RegExp(
      `(\\\\?"${SECRET_KEY}\\\\?"\\s*:\\s*\\\\?")((?:[^"\\\\]|\\\\(?!"))*)`,
      'gi',
    ),
    `$1${MASK}`,
  ],
  // key=value / key: value (query strings, headers, YAML, logs).
  [
    new RegExp(
      `(\\b${SECRET_KEY}\\b)(\\s*[=:]\\s*)(?!\\*\\*\\*)[^\\s&,"'}]+`,
      'gi',
    ),
    `$1$2${MASK}`,
  ],
];

/**
 * Replaces every known secret value and anything shaped like a credential
 * (bearer tokens, Google tokens, private keys, `password=`, `"password":"…"`).
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let result = text;
  const values = [...secrets]
    .filter(s => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH)
    // Longest first, so a secret containing another is masked whole.
    .sort((a, b) => b.length - a.length);
  for (const value of values) {
    result = result.split(value).join(MASK);
    // The same value as it appears inside JSON or base64.
    const json = JSON.stringify(value).slice(1, -1);
    if (json !== value) result = result.split(json).join(MASK);
    const base64 = Buffer.from(value, 'utf8').toString('base64');
    if (base64.length >= 8) result = result.split(base64).join(MASK);
  }
  for (const [pattern, replacement] of PATTERNS) {
    result = result.replace(pattern, replacement);
  }
  return result;
}

/** Redacts a value of any shape: strings inside objects and arrays are redacted, secret-named keys masked. */
export function redactValue<T>(value: T, secrets: Iterable<string> = []): T {
  const list = [...secrets];
  const keyPattern = new RegExp(`^${SECRET_KEY}$`, 'i');
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') {
      return key && keyPattern.test(key) && v.length > 0
        ? MASK
        : redact(v, list);
    }
    if (Array.isArray(v)) return v.map(item => walk(item));
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([k, item]) => [
          k,
          walk(item, k),
        ]),
      );
    }
    return v;
  };
  return walk(value) as T;
}

/** An error whose message (and cause chain) has been redacted; keeps name and HTTP-relevant fields. */
export function redactError(
  error: unknown,
  secrets: Iterable<string> = [],
): Error {
  const list = [...secrets];
  if (!(error instanceof Error)) return new Error(redact(String(error), list));
  error.message = redact(error.message, list);
  if (error.stack) error.stack = redact(error.stack, list);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) redactError(cause, list);
  return error;
}

/**
 * The secrets one component knows: configured values plus those it learns at
 * run time (a Google access token, a password read from a Secret). Add every
 * such value before it can reach a message.
 */
export class SecretRegistry implements Iterable<string> {
  readonly #values = new Set<string>();

  constructor(initial: Iterable<string | undefined> = []) {
    for (const value of initial) this.add(value);
  }

  /** Registers a secret value (ignored when empty or too short to be one). Returns it. */
  add<T extends string | undefined>(value: T): T {
    if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) {
      this.#values.add(value);
    }
    return value;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.#values.values();
  }

  get size(): number {
    return this.#values.size;
  }

  redact(text: string): string {
    return redact(text, this);
  }

  redactError(error: unknown): Error {
    return redactError(error, this);
  }
}
