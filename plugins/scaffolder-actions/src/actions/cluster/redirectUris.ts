import { InputError } from '@backstage/errors';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why a redirect URI is not acceptable, or `undefined` when it is: an
 * absolute https URL (http only for localhost), without a fragment, and a
 * `*` wildcard only as Keycloak allows it, as the last character of the path.
 */
export function redirectUriProblem(uri: string): string | undefined {
  const star = uri.indexOf('*');
  if (star !== -1 && star !== uri.length - 1) {
    return 'a * wildcard is only allowed as the last character';
  }
  let url: URL;
  try {
    url = new URL(star === -1 ? uri : uri.slice(0, -1));
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol === 'http:') {
    if (!LOCAL_HOSTS.has(url.hostname)) {
      return 'http is only allowed for localhost; use https';
    }
  } else if (url.protocol !== 'https:') {
    return `scheme ${url.protocol} is not allowed; use https`;
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment';
  if (star !== -1 && (url.search || uri[star - 1] !== '/')) {
    return 'a * wildcard must follow a / at the end of the path, e.g. https://app.example.com/*';
  }
  return undefined;
}

/** Throws an InputError naming `field[i]` for the first unacceptable redirect URI. */
export function assertRedirectUris(field: string, uris: string[]): void {
  uris.forEach((uri, i) => {
    const problem = redirectUriProblem(uri);
    if (problem) {
      throw new InputError(`${field}[${i}] "${uri}": ${problem}`);
    }
  });
}
