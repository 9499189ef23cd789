import { createKubernetesSecretAction } from './kubernetesSecret';
import { readSecretValue } from './kubernetes';
import { loggedText, mockContext } from './__testUtils__/context';
import { createdInPeer } from './__testUtils__/namespaces';
import { kubePeer } from './__testUtils__/peers';

jest.setTimeout(120_000);

describe('kubernetes:secret against the local API server', () => {
  const api = kubePeer().api();
  const inPeer = createdInPeer(api);
  afterAll(() => inPeer.remove());
  const action = createKubernetesSecretAction({
    config: kubePeer().config(),
    pollIntervalMs: 100,
  });
  const run = async (input: Record<string, unknown>, secrets = {}) => {
    const ctx = mockContext({ cluster: 'local', ...input }, { secrets });
    await action.handler(ctx);
    return { ctx, out: Object.fromEntries(ctx.output.mock.calls) };
  };

  it('generates into a new namespace, keeps the values on re-run, rotates on request', async () => {
    const ns = inPeer.namespace('secret');
    const input = {
      namespace: ns,
      name: 'restic-password',
      generate: [{ key: 'password', length: 48, charset: 'symbols' }],
    };
    const first = await run(input);
    expect(first.out).toMatchObject({
      secretName: `${ns}/restic-password`,
      generated: ['password'],
      changed: true,
    });
    const target = { namespace: ns, name: 'restic-password' };
    const password = await readSecretValue(api, target, 'password');
    expect(password).toHaveLength(48);
    expect(loggedText(first.ctx)).not.toContain(password);
    const stored = await api.readOptional<any>({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: target,
    });
    expect(stored.metadata.labels['coder-platform.io/managed']).toBe('true');
    expect(stored.metadata.managedFields.map((f: any) => f.manager)).toContain(
      'coder-platform',
    );

    const again = await run(input);
    expect(again.out).toMatchObject({ generated: [], changed: false });
    expect(await readSecretValue(api, target, 'password')).toBe(password);
    const after = await api.readOptional<any>({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: target,
    });
    expect(after.metadata.resourceVersion).toBe(
      stored.metadata.resourceVersion,
    );

    await run({ ...input, rotate: true });
    expect(await readSecretValue(api, target, 'password')).not.toBe(password);
  });

  it('copies a managed Secret from another namespace under new key names', async () => {
    const source = inPeer.namespace('postgres');
    const target = inPeer.namespace('keycloak');
    await api.serverSideApply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: source } },
      'test',
    );
    await api.serverSideApply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'db-creds',
          namespace: source,
          labels: { 'coder-platform.io/managed': 'true' },
        },
        stringData: { username: 'keycloak', password: 'pg-Secret-9' },
      },
      'test',
    );
    const input = {
      namespace: target,
      name: 'keycloak-db',
      copyFrom: {
        namespace: source,
        name: 'db-creds',
        keys: [{ key: 'password', as: 'db-password' }, { key: 'username' }],
      },
    };
    const { ctx, out } = await run(input);
    expect(out).toMatchObject({
      keys: ['db-password', 'username'],
      copied: ['db-password', 'username'],
      changed: true,
    });
    expect(loggedText(ctx)).not.toContain('pg-Secret-9');
    const ref = { namespace: target, name: 'keycloak-db' };
    expect(await readSecretValue(api, ref, 'db-password')).toBe('pg-Secret-9');
    expect((await run(input)).out.changed).toBe(false);
  });

  it('refuses a source Secret the suite did not write', async () => {
    const ns = inPeer.namespace('foreign');
    await api.serverSideApply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      'test',
    );
    await api.serverSideApply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'theirs', namespace: ns },
        stringData: { password: 'not-ours' },
      },
      'test',
    );
    await expect(
      run({
        namespace: ns,
        name: 'copy',
        copyFrom: {
          namespace: ns,
          name: 'theirs',
          keys: [{ key: 'password' }],
        },
      }),
    ).rejects.toThrow(`Secret ${ns}/theirs was not written by the suite`);
    await expect(
      run({ namespace: ns, name: 'theirs', generate: [{ key: 'password' }] }),
    ).rejects.toThrow('refusing to read it');
    expect(
      await readSecretValue(api, { namespace: ns, name: 'theirs' }, 'password'),
    ).toBe('not-ours');
  });
});
