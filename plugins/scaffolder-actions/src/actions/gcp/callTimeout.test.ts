import { ConfigReader } from '@backstage/config';
import { toActionError } from './errors';
import {
  GcpClients,
  readGcpSettings,
  withoutClientRetries,
} from './gcpClients';
import { GcpRun } from './gcpRun';
import { mockContext } from './__testUtils__/harness';
import {
  CallTimeoutError,
  Code,
  googleErrorInfo,
  isTransient,
  withDeadline,
  withRetry,
} from './retry';

/** Settles (never resolves) like a call that gets no answer. */
const never = () => new Promise<string>(() => undefined);

describe('the call timeout of the GCP actions', () => {
  it('reads coderPlatform.gcp.callTimeoutSeconds (default 60) and refuses a non-positive one, naming the key', () => {
    expect(readGcpSettings(new ConfigReader({})).callTimeoutMs).toBe(60_000);
    expect(
      readGcpSettings(
        new ConfigReader({
          coderPlatform: { gcp: { callTimeoutSeconds: 2.5 } },
        }),
      ).callTimeoutMs,
    ).toBe(2500);
    expect(() =>
      readGcpSettings(
        new ConfigReader({
          coderPlatform: { gcp: { callTimeoutSeconds: -1 } },
        }),
      ),
    ).toThrow(
      'coderPlatform.gcp.callTimeoutSeconds: must be a positive number of seconds, got -1',
    );
  });

  it('sets the timeout on every method of a gax client, with its retries off', () => {
    const config = withoutClientRetries(
      'svc',
      { interfaces: { svc: { methods: { Get: {}, Insert: {} } } } },
      1500,
    );
    expect(config.interfaces.svc.methods).toEqual({
      Get: { retry_codes_name: 'none', timeout_millis: 1500 },
      Insert: { retry_codes_name: 'none', timeout_millis: 1500 },
    });
  });

  it('a call with no answer fails with a transient DEADLINE_EXCEEDED at its deadline', async () => {
    const error = await withDeadline(never(), 20).catch(e => e);
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(error.code).toBe(Code.DEADLINE_EXCEEDED);
    expect(error.message).toBe('no answer within 0.02 s');
    expect(isTransient(error)).toBe(true);
    await expect(withDeadline(Promise.resolve('ok'), 20)).resolves.toBe('ok');
  });

  it('withRetry gives every attempt the deadline and retries a call that got no answer', async () => {
    let calls = 0;
    const result = await withRetry(
      () => {
        calls += 1;
        return calls === 1 ? never() : Promise.resolve('answered');
      },
      {
        maxAttempts: 3,
        initialDelayMs: 1,
        maxDelayMs: 2,
        callTimeoutMs: 20,
        what: 'read network dev-vpc',
      },
    );
    expect(result).toBe('answered');
    expect(calls).toBe(2);
  });

  it.each([
    [
      true,
      'Could not create network dev-vpc in project acme: compute.googleapis.com did not answer within 30 s (coderPlatform.gcp.callTimeoutSeconds) on any attempt (no answer within 30 s): it is unreachable or overloaded. Run the task again once it answers: what earlier attempts completed is not done twice.',
    ],
    [
      false,
      'Could not create network dev-vpc in project acme: compute.googleapis.com did not answer within 30 s (coderPlatform.gcp.callTimeoutSeconds) (no answer within 30 s).',
    ],
  ])(
    'the step error of a call that never answered (retried: %s) names the API, the operation and the budget',
    (retried, message) => {
      expect(
        toActionError(new CallTimeoutError(30_000), {
          what: 'create network dev-vpc',
          api: 'compute.googleapis.com',
          projectId: 'acme',
          callTimeoutMs: 30_000,
          retried,
        }).message,
      ).toBe(message);
    },
  );

  it.each([
    [
      'gaxios (IAM)',
      Object.assign(new Error('The operation was aborted'), {
        cause: Object.assign(new Error('aborted due to timeout'), {
          name: 'TimeoutError',
        }),
      }),
    ],
    [
      'teeny-request (DNS, Storage)',
      Object.assign(new Error('network timeout at: https://dns/x'), {
        name: 'AbortError',
        type: 'request-timeout',
        code: 'ETIMEDOUT',
      }),
    ],
  ])(
    "a client's own request timeout (%s) is a transient DEADLINE_EXCEEDED",
    (_client, error) => {
      expect(googleErrorInfo(error).code).toBe(Code.DEADLINE_EXCEEDED);
      expect(isTransient(error)).toBe(true);
    },
  );

  describe('GcpRun', () => {
    const slow = (ms: number) =>
      new Promise<string>(resolve => setTimeout(() => resolve('done'), ms));
    const run = () => {
      const config = new ConfigReader({
        coderPlatform: {
          gcp: {
            projectId: 'acme',
            callTimeoutSeconds: 0.05,
            retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
          },
        },
      });
      return new GcpRun(
        mockContext({}).ctx,
        GcpClients.fromOptions({ config }),
        'acme',
        'storage.googleapis.com',
      );
    };

    it('bounds each attempt of a read and of a mutation by the call timeout', async () => {
      await expect(run().read('get bucket b', () => slow(500))).rejects.toThrow(
        /^Could not get bucket b in project acme: storage.googleapis.com did not answer within 0.05 s/,
      );
      await expect(
        run().mutate('k', 'create bucket b', () => slow(500) as any),
      ).rejects.toThrow(/did not answer within 0.05 s .* on any attempt/);
    });

    it('leaves a function that makes many calls (deadline: false) its own time', async () => {
      await expect(
        run().read('list every page', () => slow(200), { deadline: false }),
      ).resolves.toBe('done');
      await expect(
        run().mutate('k', 'delete every object', () => slow(200) as any, {
          retry: false,
          deadline: false,
        }),
      ).resolves.toBe('done');
    });
  });
});
