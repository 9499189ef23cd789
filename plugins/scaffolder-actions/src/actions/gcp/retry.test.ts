import { mockServices } from '@backstage/backend-test-utils';
import { toActionError } from './errors';
import { withRetry } from './retry';

const SECRET = 'hunter2-very-secret-value';

// An upstream answer that echoes credentials, as a misconfigured proxy or a
// verbose error body does.
const upstreamError = () =>
  Object.assign(
    new Error(
      `backend error: request with Authorization: Bearer ya29.a0AfH6SMBx-token and {"privateKeyData":"MIIEv-key","password":"${SECRET}"} failed`,
    ),
    { code: 503 },
  );

describe('withRetry', () => {
  it('logs retries with the upstream message redacted', async () => {
    const logger = mockServices.logger.mock();
    let calls = 0;
    await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw upstreamError();
        return 'ok';
      },
      {
        maxAttempts: 3,
        initialDelayMs: 1,
        maxDelayMs: 2,
        what: 'read something',
        logger,
        secrets: [SECRET],
      },
    );
    const warnings = (logger.warn as jest.Mock).mock.calls
      .map(c => String(c[0]))
      .join('\n');
    expect(warnings).toMatch(/read something: transient error/);
    expect(warnings).not.toContain('ya29.a0AfH6SMBx-token');
    expect(warnings).not.toContain('MIIEv-key');
    expect(warnings).not.toContain(SECRET);
  });
});

describe('toActionError', () => {
  it('redacts credentials and known secrets with the one redact', () => {
    const error = toActionError(upstreamError(), {
      what: 'create thing',
      api: 'compute.googleapis.com',
      projectId: 'acme-coder',
      secrets: [SECRET],
    });
    expect(error.message).toMatch(
      /^Could not create thing in project acme-coder: compute.googleapis.com is unavailable or unreachable \(backend error/,
    );
    expect(error.message).not.toContain('ya29.a0AfH6SMBx-token');
    expect(error.message).not.toContain('MIIEv-key');
    expect(error.message).not.toContain(SECRET);
  });
});
