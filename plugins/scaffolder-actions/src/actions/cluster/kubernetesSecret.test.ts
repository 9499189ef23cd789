import { ConfigReader } from '@backstage/config';
import { createKubernetesSecretAction } from './kubernetesSecret';
import { CHARSETS, generateSecretValue } from './secretValues';
import { loggedText, mockContext } from './__testUtils__/context';
import { memoryKubeConfig, startMemoryKube } from './__testUtils__/memoryKube';

const MANAGED = { 'coder-platform.io/managed': 'true' };

describe('generateSecretValue', () => {
  it.each(Object.keys(CHARSETS) as (keyof typeof CHARSETS)[])(
    'draws %s values of the asked length from that alphabet only',
    charset => {
      const value = generateSecretValue(64, charset);
      expect(value).toHaveLength(64);
      expect([...value].every(c => CHARSETS[charset].includes(c))).toBe(true);
      expect(generateSecretValue(64, charset)).not.toBe(value);
    },
  );
});

describe('kubernetes:secret', () => {
  let kube: Awaited<ReturnType<typeof startMemoryKube>>;
  const action = (extra: Record<string, unknown> = {}) =>
    createKubernetesSecretAction({
      config: new ConfigReader(memoryKubeConfig(kube.url, extra)),
      pollIntervalMs: 5,
    });
  const run = async (
    input: Record<string, unknown>,
    extra: Parameters<typeof mockContext>[1] = {},
    config: Record<string, unknown> = {},
  ) => {
    const ctx = mockContext({ cluster: 'dev', ...input }, extra);
    await action(config).handler(ctx);
    return { ctx, out: Object.fromEntries(ctx.output.mock.calls) };
  };

  beforeEach(async () => {
    kube = await startMemoryKube();
  });
  afterEach(() => kube.stop());

  it.each([
    [{ namespace: 'a', name: 'b' }, 'give generate, literals or copyFrom'],
    [
      {
        namespace: 'a',
        name: 'b',
        generate: [{ key: 'password' }],
        literals: { password: 'x' },
      },
      'literals.password: key "password" is already written by generate[0].key',
    ],
    [
      {
        namespace: 'a',
        name: 'b',
        copyFrom: { namespace: 'a', name: 'b', keys: [{ key: 'k' }] },
      },
      'copyFrom names the Secret being written',
    ],
    [
      { cluster: 'nope', namespace: 'a', name: 'b', generate: [{ key: 'k' }] },
      'nope',
    ],
  ])('rejects %j naming the field', async (input, message) => {
    await expect(run(input)).rejects.toThrow(message);
    expect(kube.mutations()).toEqual([]);
  });

  it('generates absent keys once, labels the Secret, and re-runs as a no-op', async () => {
    const input = {
      namespace: 'oauth2-proxy',
      name: 'cookie',
      generate: [
        { key: 'cookie-secret', length: 32, charset: 'base64url' },
        { key: 'pin', length: 8, charset: 'hex' },
      ],
      literals: { user: 'proxy' },
    };
    const first = await run(input);
    expect(first.out).toEqual({
      secretName: 'oauth2-proxy/cookie',
      keys: ['cookie-secret', 'pin', 'user'],
      generated: ['cookie-secret', 'pin'],
      supplied: [],
      copied: [],
      changed: true,
    });
    const values = kube.secretValues('oauth2-proxy', 'cookie')!;
    expect(values['cookie-secret']).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(values.pin).toMatch(/^[0-9a-f]{8}$/);
    expect(values.user).toBe('proxy');
    expect(
      kube.get('Secret', 'oauth2-proxy', 'cookie')!.metadata.labels,
    ).toMatchObject(MANAGED);
    expect(kube.get('Namespace', undefined, 'oauth2-proxy')).toBeDefined();
    const leaked = [values['cookie-secret'], values.pin];
    for (const v of leaked) {
      expect(loggedText(first.ctx)).not.toContain(v);
      expect(JSON.stringify(first.out)).not.toContain(v);
      expect(JSON.stringify(first.ctx.checkpoint.mock.calls)).not.toContain(v);
    }

    const again = await run(input);
    expect(again.out).toMatchObject({ generated: [], changed: false });
    expect(kube.secretValues('oauth2-proxy', 'cookie')).toEqual(values);

    const rotated = await run({ ...input, rotate: true });
    expect(rotated.out).toMatchObject({
      generated: ['cookie-secret', 'pin'],
      changed: true,
    });
    expect(
      kube.secretValues('oauth2-proxy', 'cookie')!['cookie-secret'],
    ).not.toBe(values['cookie-secret']);
  });

  it('writes a supplied task secret instead of generating, without logging it', async () => {
    const input = {
      namespace: 'keycloak',
      name: 'keycloak-admin',
      literals: { username: 'admin' },
      generate: [{ key: 'password', taskSecret: 'keycloakAdminPassword' }],
    };
    const { ctx, out } = await run(input, {
      secrets: { keycloakAdminPassword: 'typed-by-the-user' },
    });
    expect(out).toMatchObject({ supplied: ['password'], generated: [] });
    expect(kube.secretValues('keycloak', 'keycloak-admin')).toEqual({
      username: 'admin',
      password: 'typed-by-the-user',
    });
    expect(loggedText(ctx)).not.toContain('typed-by-the-user');
    // Not supplied on a re-run: the stored value is kept.
    const kept = await run(input);
    expect(kept.out).toMatchObject({
      supplied: [],
      generated: [],
      changed: false,
    });
  });

  it('copies keys from a managed Secret, renaming them, and follows the source', async () => {
    kube.namespace('postgres');
    kube.secret(
      'postgres',
      'db-creds',
      { username: 'keycloak', password: 'pg-pass-1' },
      MANAGED,
    );
    const input = {
      namespace: 'keycloak',
      name: 'keycloak-db',
      copyFrom: {
        namespace: 'postgres',
        name: 'db-creds',
        keys: [{ key: 'password', as: 'db-password' }, { key: 'username' }],
      },
    };
    const { ctx, out } = await run(input);
    expect(out).toMatchObject({
      copied: ['db-password', 'username'],
      changed: true,
    });
    expect(kube.secretValues('keycloak', 'keycloak-db')).toEqual({
      'db-password': 'pg-pass-1',
      username: 'keycloak',
    });
    expect(loggedText(ctx)).not.toContain('pg-pass-1');
    expect((await run(input)).out.changed).toBe(false);
    kube.secret(
      'postgres',
      'db-creds',
      { username: 'keycloak', password: 'pg-pass-2' },
      MANAGED,
    );
    expect((await run(input)).out.changed).toBe(true);
    expect(kube.secretValues('keycloak', 'keycloak-db')!['db-password']).toBe(
      'pg-pass-2',
    );
  });

  it('reads a source the suite did not write only when readableSecrets lists it', async () => {
    kube.namespace('postgres');
    kube.secret('postgres', 'zalando', { password: 'pg-pass' });
    const input = {
      namespace: 'coder',
      name: 'coder-db',
      copyFrom: {
        namespace: 'postgres',
        name: 'zalando',
        keys: [{ key: 'password' }],
      },
    };
    await expect(run(input)).rejects.toThrow(
      /readableSecrets; refusing to read it/,
    );
    expect(kube.mutations()).toEqual([]);
    const { out } = await run(
      input,
      {},
      {
        clusterActions: { readableSecrets: ['postgres/zalando'] },
      },
    );
    expect(out.copied).toEqual(['password']);
  });

  it('refuses to take over an existing Secret the suite did not write', async () => {
    kube.namespace('coder');
    kube.secret('coder', 'theirs', { password: 'keep-me' });
    await expect(
      run({
        namespace: 'coder',
        name: 'theirs',
        generate: [{ key: 'password' }],
      }),
    ).rejects.toThrow('Secret coder/theirs was not written by the suite');
    expect(kube.secretValues('coder', 'theirs')).toEqual({
      password: 'keep-me',
    });
  });

  it('waits for the source Secret up to timeoutSeconds, or names what is missing', async () => {
    kube.namespace('postgres');
    const input = {
      namespace: 'keycloak',
      name: 'keycloak-db',
      copyFrom: {
        namespace: 'postgres',
        name: 'later',
        keys: [{ key: 'password' }],
      },
    };
    await expect(run(input)).rejects.toThrow(
      'source Secret postgres/later has no key password (or does not exist); set copyFrom.timeoutSeconds',
    );
    const appear = setTimeout(
      () =>
        kube.secret(
          'postgres',
          'later',
          { password: 'made-by-operator' },
          MANAGED,
        ),
      50,
    );
    try {
      const { out } = await run({
        ...input,
        copyFrom: { ...input.copyFrom, timeoutSeconds: 30 },
      });
      expect(out.copied).toEqual(['password']);
    } finally {
      clearTimeout(appear);
    }
  });

  it('dry run reads only, and plans a copy whose source does not exist yet', async () => {
    const { ctx, out } = await run(
      {
        namespace: 'keycloak',
        name: 'keycloak-db',
        generate: [{ key: 'admin' }],
        copyFrom: {
          namespace: 'postgres',
          name: 'later',
          keys: [{ key: 'password', as: 'db-password' }],
          timeoutSeconds: 300,
        },
      },
      { isDryRun: true },
    );
    expect(kube.mutations()).toEqual([]);
    expect(ctx.checkpoint).not.toHaveBeenCalled();
    expect(out).toEqual({
      secretName: 'keycloak/keycloak-db',
      keys: ['admin', 'db-password'],
      generated: ['admin'],
      supplied: [],
      copied: ['db-password'],
      changed: false,
    });
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'dry run: source Secret postgres/later lacks password now; would wait up to 300s for it',
    );
  });

  it('names the Secret, never a value, when the API server refuses the write', async () => {
    kube.namespace('coder');
    kube.failNext(/^PATCH \/api\/v1\/namespaces\/coder\/secrets\/restic$/, 403);
    const ctx = mockContext(
      {
        cluster: 'dev',
        namespace: 'coder',
        name: 'restic',
        generate: [{ key: 'password', taskSecret: 'resticPassword' }],
      },
      { secrets: { resticPassword: 'typed-restic-pw' } },
    );
    const error = await action()
      .handler(ctx)
      .catch((e: Error) => e);
    expect((error as Error).message).toBe(
      'kubernetes:secret: writing Secret coder/restic failed: HTTP 403: injected failure',
    );
    expect(loggedText(ctx)).not.toContain('typed-restic-pw');
  });

  it('stops when the task is cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by user'));
    await expect(
      run(
        { namespace: 'a', name: 'b', generate: [{ key: 'k' }] },
        { signal: controller.signal },
      ),
    ).rejects.toThrow('cancelled by user');
    expect(kube.mutations()).toEqual([]);
  });
});
