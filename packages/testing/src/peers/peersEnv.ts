import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Settings of the real local servers started by `yarn peers up`, read from
 * the env file that command writes (KEY=value lines).
 */
export type PeersEnv = Record<string, string>;

/** The repository root: the nearest directory up from the cwd with backstage.json. */
function findRepoRoot(): string {
  let dir = process.cwd();
  while (!existsSync(resolve(dir, 'backstage.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Where `yarn peers up` writes its env file. */
export function peersEnvFile(): string {
  return (
    process.env.PEERS_ENV_FILE ??
    resolve(
      process.env.CODER_PLATFORM_PEERS_DIR ?? resolve(findRepoRoot(), '.peers'),
      'env',
    )
  );
}

/** Parses KEY=value lines; blank lines and # comments are ignored; quotes are stripped. */
export function parsePeersEnv(text: string): PeersEnv {
  const env: PeersEnv = {};
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2];
    if (/^'.*'$/.test(value) || /^".*"$/.test(value))
      value = value.slice(1, -1);
    env[match[1]] = value;
  }
  return env;
}

/**
 * Returns the named settings of one server, or throws an error that names the
 * server and the command that starts it: integration tests never skip silently.
 */
export function requirePeer<K extends string>(
  server: string,
  keys: readonly K[],
): Record<K, string> {
  const file = peersEnvFile();
  if (!existsSync(file)) {
    throw new Error(
      `${server}: no peers env file at ${file}; start the local servers with \`yarn peers up ${server}\``,
    );
  }
  const env = parsePeersEnv(readFileSync(file, 'utf8'));
  const missing = keys.filter(key => !env[key]);
  if (missing.length > 0) {
    throw new Error(
      `${server}: ${missing.join(
        ', ',
      )} missing from ${file}; is it running? Try \`yarn peers up ${server}\``,
    );
  }
  return Object.fromEntries(keys.map(key => [key, env[key]])) as Record<
    K,
    string
  >;
}
