import {
  notConfiguredError,
  permissionDeniedError,
  responseError,
  upstreamUnavailableError,
} from '../../__testUtils__/responseErrors';
import { classifyError } from './classifyError';

describe('classifyError', () => {
  it('maps the backend 404 naming a config key to not-configured', async () => {
    expect(
      classifyError(await notConfiguredError('dev-eu1', 'keycloak')),
    ).toEqual({
      kind: 'not-configured',
      message:
        'Cluster dev-eu1 has no keycloak configured (coderPlatform.clusters[].keycloak)',
      configKey: 'coderPlatform.clusters[].keycloak',
    });
  });

  it('keeps dotted config keys whole', async () => {
    const error = await notConfiguredError('dev-eu1', 'backups.postgres');
    expect(classifyError(error)).toMatchObject({
      kind: 'not-configured',
      configKey: 'coderPlatform.clusters[].backups.postgres',
    });
  });

  it('maps an unknown cluster to not-configured with the name key', async () => {
    const error = await responseError(
      404,
      'NotFoundError',
      'No cluster named "prod-us1" is configured (coderPlatform.clusters[].name)',
    );
    expect(classifyError(error)).toMatchObject({
      kind: 'not-configured',
      configKey: 'coderPlatform.clusters[].name',
    });
  });

  it('maps a 403 to permission-denied with the permission it names', async () => {
    const error = await permissionDeniedError(
      'coder-platform.keycloak.users.read',
    );
    expect(classifyError(error)).toEqual({
      kind: 'permission-denied',
      message: 'Missing permission coder-platform.keycloak.users.read',
      permission: 'coder-platform.keycloak.users.read',
    });
  });

  it('maps a 403 without a permission name to permission-denied without one', async () => {
    const error = await responseError(403, 'NotAllowedError', 'Forbidden');
    expect(classifyError(error)).toMatchObject({
      kind: 'permission-denied',
      permission: undefined,
    });
  });

  it.each([502, 503, 504])(
    'maps a %d to upstream-error with the backend message',
    async status => {
      const error =
        status === 503
          ? await upstreamUnavailableError('keycloak', 'dev-eu1')
          : await responseError(status, 'Error', 'gateway said no');
      const state = classifyError(error);
      expect(state).toMatchObject({ kind: 'upstream-error', status });
      expect(state.message).not.toMatch(/Request failed/);
    },
  );

  it('maps a 404 without a config key, a 400 and a plain error to error', async () => {
    expect(
      classifyError(await responseError(404, 'NotFoundError', 'Not found')),
    ).toMatchObject({ kind: 'error', status: 404, message: 'Not found' });
    expect(
      classifyError(
        await responseError(
          400,
          'InputError',
          'Query parameter "limit" must be between 1 and 100, got 500',
        ),
      ),
    ).toMatchObject({
      kind: 'error',
      status: 400,
      message: 'Query parameter "limit" must be between 1 and 100, got 500',
    });
    const plain = new Error('Failed to fetch');
    expect(classifyError(plain)).toEqual({
      kind: 'error',
      message: 'Failed to fetch',
      status: undefined,
      error: plain,
    });
  });
});
