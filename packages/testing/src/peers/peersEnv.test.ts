import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePeersEnv, requirePeer } from './peersEnv';

describe('parsePeersEnv', () => {
  it('reads KEY=value lines, strips quotes and ignores comments', () => {
    expect(
      parsePeersEnv(
        '# written by peers\nPEERS_PG_URL=postgresql://u:p@127.0.0.1:5544/postgres\nexport PEERS_A=\'x y\'\n\nB="q"\nnot a line\n',
      ),
    ).toEqual({
      PEERS_PG_URL: 'postgresql://u:p@127.0.0.1:5544/postgres',
      PEERS_A: 'x y',
      B: 'q',
    });
  });
});

describe('requirePeer', () => {
  const saved = process.env.PEERS_ENV_FILE;
  afterEach(() => {
    process.env.PEERS_ENV_FILE = saved;
  });

  it('returns the requested keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'peers-'));
    writeFileSync(join(dir, 'env'), 'PEERS_GCS_URL=http://127.0.0.1:4443\n');
    process.env.PEERS_ENV_FILE = join(dir, 'env');
    expect(requirePeer('gcs', ['PEERS_GCS_URL'])).toEqual({
      PEERS_GCS_URL: 'http://127.0.0.1:4443',
    });
  });

  it('names the server and the start command when a key is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'peers-'));
    writeFileSync(join(dir, 'env'), 'PEERS_GCS_URL=http://127.0.0.1:4443\n');
    process.env.PEERS_ENV_FILE = join(dir, 'env');
    expect(() => requirePeer('keycloak', ['PEERS_KEYCLOAK_URL'])).toThrow(
      'keycloak: PEERS_KEYCLOAK_URL missing from',
    );
  });

  it('names the server when no env file exists', () => {
    process.env.PEERS_ENV_FILE = '/nonexistent/env';
    expect(() => requirePeer('postgres', ['PEERS_PG_URL'])).toThrow(
      'postgres: no peers env file at /nonexistent/env; start the local servers with `yarn peers up postgres`',
    );
  });
});
