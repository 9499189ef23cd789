/** Replaces every configured secret value in a message, and anything that looks like a bearer token. */
export function redact(message: string, secrets: string[]): string {
  let result = message;
  for (const secret of secrets) {
    if (secret) result = result.split(secret).join('***');
  }
  return result
    .replace(/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, '$1 ***')
    .replace(
      /(Coder-Session-Token|client_secret|password|token)([=:]\s*)[^\s&,"']+/gi,
      '$1$2***',
    );
}
