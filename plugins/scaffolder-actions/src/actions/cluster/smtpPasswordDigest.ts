import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Realm attribute holding a salted digest of the SMTP password the suite
 * wrote. Keycloak never returns the password itself, so without it a changed
 * password could not be told from an unchanged one.
 */
export const SMTP_PASSWORD_ATTRIBUTE = 'coder-platform.io/smtp-password-digest';

const PREFIX = 'scrypt1';

/** `scrypt1$<salt>$<hash>`: a slow, salted digest (the attribute is readable by realm admins). */
export function smtpPasswordDigest(
  password: string,
  salt = randomBytes(16).toString('base64url'),
): string {
  const hash = scryptSync(password, salt, 32).toString('base64url');
  return `${PREFIX}$${salt}$${hash}`;
}

/** Whether `stored` (an attribute value) is the digest of `password`. */
export function smtpPasswordMatches(
  stored: unknown,
  password: string,
): boolean {
  if (typeof stored !== 'string') return false;
  const [prefix, salt, hash] = stored.split('$');
  if (prefix !== PREFIX || !salt || !hash) return false;
  const expected = Buffer.from(smtpPasswordDigest(password, salt));
  const actual = Buffer.from(stored);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
