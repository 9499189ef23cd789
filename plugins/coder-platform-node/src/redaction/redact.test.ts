import { redact, redactError, redactValue, SecretRegistry } from './redact';

describe('redact', () => {
  it.each([
    ['key=value', 'password=hunter22&x=1', 'password=***&x=1'],
    [
      'JSON',
      '{"password":"hunter22","user":"a"}',
      '{"password":"***","user":"a"}',
    ],
    [
      'JSON with spaces',
      '{ "client_secret" : "abc def" }',
      '{ "client_secret" : "***" }',
    ],
    [
      'escaped JSON',
      '"{\\"token\\":\\"abcd1234\\"}"',
      '"{\\"token\\":\\"***\\"}"',
    ],
    ['YAML', 'clientSecret: s3cr3t-value', 'clientSecret: ***'],
    [
      'bearer',
      'Authorization: Bearer abc.def-ghi',
      'Authorization: Bearer ***',
    ],
    ['Google token', 'token was ya29.a0AfB_byC-long', 'token was ***'],
    [
      'private key',
      '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----',
      '[redacted private key]',
    ],
  ])('masks %s', (_, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('masks known values, their JSON and base64 forms, longest first', () => {
    const secret = 'pa"ss-word-1';
    const text = `a ${secret} b ${JSON.stringify(secret)} c ${Buffer.from(
      secret,
    ).toString('base64')}`;
    const result = redact(text, [secret, 'pa"ss']);
    expect(result).not.toContain('pa"ss');
    expect(result).not.toContain('ss-word');
    expect(result).not.toContain(Buffer.from(secret).toString('base64'));
  });

  it('leaves ordinary text and short values alone', () => {
    expect(redact('cluster dev-eu1 has 3 nodes', ['ab'])).toBe(
      'cluster dev-eu1 has 3 nodes',
    );
  });
});

describe('redactValue', () => {
  it('masks secret-named keys and known values at any depth', () => {
    expect(
      redactValue({ a: { password: 'x1', list: ['my-secret-value'] }, n: 3 }, [
        'my-secret-value',
      ]),
    ).toEqual({ a: { password: '***', list: ['***'] }, n: 3 });
  });
});

describe('redactError / SecretRegistry', () => {
  it('redacts message, stack and cause with values learnt at run time', () => {
    const registry = new SecretRegistry(['configured-1']);
    registry.add('ya-runtime-token');
    registry.add(undefined);
    registry.add('ab');
    expect(registry.size).toBe(2);
    const error = new Error('failed with ya-runtime-token', {
      cause: new Error('configured-1 leaked'),
    });
    const result = registry.redactError(error);
    expect(result.message).toBe('failed with ***');
    expect(result.stack).not.toContain('ya-runtime-token');
    expect((result.cause as Error).message).toBe('*** leaked');
    expect(redactError('plain password=abc').message).toBe(
      'plain password=***',
    );
  });
});
