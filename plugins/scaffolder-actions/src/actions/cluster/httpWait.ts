import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { redact } from '@coder-platform/plugin-coder-platform-node';
import { retryWithBackoff } from '../backoff';
import { ClusterActionsOptions } from './clusterAccess';
import { examples } from './httpWait.examples';
import { throwIfAborted } from './util';

class NotReady extends Error {}

const cancelled = (signal?: AbortSignal) => {
  const reason = signal?.reason;
  return reason instanceof Error
    ? reason
    : new Error('The task was cancelled before the action finished');
};

/** Checks the URL a template gave: http(s) and no user info, since nothing is ever authenticated. */
export function parseWaitUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`http:wait: url "${redact(value)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(
      `http:wait: url must be http or https, got ${url.protocol}`,
    );
  }
  if (url.username || url.password) {
    throw new InputError(
      'http:wait: url must not carry a user or password: the wait sends no credentials',
    );
  }
  return url;
}

/**
 * `http:wait`: polls a URL until it answers one of the expected statuses,
 * e.g. Keycloak's `/realms/master` before the realm is configured. It sends
 * no credentials at all (no headers, no cookies, redirects not followed), so
 * a URL from a template is safe; attempts, per-request time and the pause
 * between attempts are bounded, and a cancelled task stops it at once.
 */
export function createHttpWaitAction(_options: ClusterActionsOptions) {
  return createTemplateAction({
    id: 'http:wait',
    description:
      'Waits until a URL answers an expected HTTP status (e.g. Keycloak before realm setup), with bounded attempts. Sends no credentials and follows no redirects; the response body is ignored.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        url: z =>
          z
            .string()
            .min(1)
            .describe(
              'http(s) URL to poll, e.g. https://keycloak.dev.example.com/realms/master; no user or password',
            ),
        method: z =>
          z
            .enum(['GET', 'HEAD'])
            .optional()
            .describe('Request method; default GET'),
        expectedStatus: z =>
          z
            .array(z.number().int().min(100).max(599))
            .min(1)
            .optional()
            .describe(
              'Statuses that mean ready; default [200]. Redirects are not followed, so a 302 can be expected too',
            ),
        attempts: z =>
          z
            .number()
            .int()
            .min(1)
            .max(1000)
            .optional()
            .describe('Requests in total before giving up; default 30'),
        intervalSeconds: z =>
          z
            .number()
            .min(0)
            .max(300)
            .optional()
            .describe('Pause between attempts; default 5 (the seed: 30 × 5 s)'),
        requestTimeoutSeconds: z =>
          z
            .number()
            .min(0.1)
            .max(300)
            .optional()
            .describe('Give up on one request after this long; default 10'),
      },
      output: {
        status: z =>
          z
            .number()
            .optional()
            .describe('The status the URL answered (absent in a dry run)'),
        attempts: z =>
          z
            .number()
            .describe('Requests made until it answered (0 in a dry run)'),
      },
    },
    async handler(ctx) {
      const { input, logger, signal } = ctx;
      const url = parseWaitUrl(input.url);
      const shown = redact(url.toString());
      const expected = input.expectedStatus ?? [200];
      const attempts = input.attempts ?? 30;
      const intervalMs = (input.intervalSeconds ?? 5) * 1000;
      const requestMs = (input.requestTimeoutSeconds ?? 10) * 1000;
      const method = input.method ?? 'GET';

      if (ctx.isDryRun) {
        logger.info(
          `dry run: would wait for ${method} ${shown} to answer ${expected.join(
            ' or ',
          )} (up to ${attempts} attempts, ${intervalMs / 1000}s apart)`,
        );
        ctx.output('attempts', 0);
        return;
      }

      let made = 0;
      let last = 'no answer yet';
      const status = await retryWithBackoff(
        async () => {
          throwIfAborted(signal);
          made += 1;
          const timeout = AbortSignal.timeout(requestMs);
          let response: Response;
          try {
            response = await fetch(url, {
              method,
              redirect: 'manual',
              credentials: 'omit',
              cache: 'no-store',
              signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
            });
          } catch (error) {
            if (signal?.aborted) throw cancelled(signal);
            const e = error as Error & {
              cause?: { code?: string; message?: string };
            };
            last = timeout.aborted
              ? `no answer within ${requestMs / 1000}s`
              : e.cause?.code ?? e.cause?.message ?? e.message;
            throw new NotReady(last);
          }
          await response.body?.cancel().catch(() => undefined);
          if (!expected.includes(response.status)) {
            last = `HTTP ${response.status}`;
            throw new NotReady(last);
          }
          return response.status;
        },
        {
          maxAttempts: attempts,
          delayMs: () => intervalMs,
          retryable: error => error instanceof NotReady,
          signal,
          abortError: cancelled,
          onRetry: (_error, attempt) =>
            logger.info(
              `${shown}: ${last} (attempt ${attempt}/${attempts}); next in ${
                intervalMs / 1000
              }s`,
            ),
        },
      ).catch(error => {
        if (!(error instanceof NotReady)) throw error;
        throw new Error(
          `http:wait: ${method} ${shown} did not answer ${expected.join(
            ' or ',
          )} after ${made} attempts; last: ${redact(
            last,
          )}. Check that the service is deployed and its Ingress and DNS record resolve`,
        );
      });
      logger.info(`${shown} answered ${status} after ${made} attempt(s)`);
      ctx.output('status', status);
      ctx.output('attempts', made);
    },
  });
}
