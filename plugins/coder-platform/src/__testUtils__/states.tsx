import { screen } from '@testing-library/react';
import { CoderPlatformApi } from '../api';
import { pending } from './renderWithApi';
import {
  notConfiguredError,
  permissionDeniedError,
  upstreamUnavailableError,
} from './responseErrors';

type Method = keyof CoderPlatformApi;

/** One state test: a name for `it.each` and the test body. */
export interface DataStateCase {
  name: string;
  run: () => Promise<void>;
}

/**
 * The states every view shows for a failing or slow `method`: loading, not
 * configured (naming the key), permission denied (naming the permission),
 * upstream error (the backend's message) and stale data (a banner with the
 * upstream error). Use as `it.each(dataStateCases({...}))('$name', c => c.run())`.
 */
export function dataStateCases(options: {
  render: (api: Partial<CoderPlatformApi>) => unknown;
  method: Method;
  /** Other methods the view calls, answered with data. */
  others?: Partial<CoderPlatformApi>;
  what: string;
  configKey: string;
  permission: string;
  upstream: string;
  /** A fresh response of `method`, to be marked stale. */
  value: object;
  /** Text the data renders, to check stale data is still shown. */
  dataText: string | RegExp;
}): DataStateCase[] {
  const { method, others = {}, what } = options;
  const answering = (impl: () => Promise<unknown>) =>
    ({ ...others, [method]: jest.fn(impl) } as Partial<CoderPlatformApi>);

  return [
    {
      name: `${what}: shows progress while loading`,
      run: async () => {
        options.render(answering(() => pending()));
        expect(
          await screen.findByRole('progressbar', { name: `Loading ${what}` }),
        ).toBeInTheDocument();
      },
    },
    {
      name: `${what}: names the config key when the cluster does not configure it`,
      run: async () => {
        const error = await notConfiguredError(
          'dev-eu1',
          options.configKey.replace('coderPlatform.clusters[].', ''),
        );
        options.render(answering(() => Promise.reject(error)));
        expect(
          await screen.findByText(`${what}: not configured`),
        ).toBeInTheDocument();
        expect(screen.getByText(options.configKey)).toBeInTheDocument();
      },
    },
    {
      name: `${what}: names the permission to ask for`,
      run: async () => {
        const error = await permissionDeniedError(options.permission);
        options.render(answering(() => Promise.reject(error)));
        expect(
          await screen.findByText(`${what}: permission required`),
        ).toBeInTheDocument();
        expect(screen.getByText(options.permission)).toBeInTheDocument();
        expect(screen.queryByText(/403/)).not.toBeInTheDocument();
      },
    },
    {
      name: `${what}: shows the backend's message when the upstream is down`,
      run: async () => {
        const error = await upstreamUnavailableError(
          options.upstream,
          'dev-eu1',
        );
        options.render(answering(() => Promise.reject(error)));
        expect(
          await screen.findByText(`${what}: unavailable`),
        ).toBeInTheDocument();
        expect(
          screen.getByText(
            new RegExp(
              `${options.upstream} of cluster dev-eu1 is unavailable and nothing is cached`,
            ),
          ),
        ).toBeInTheDocument();
      },
    },
    {
      name: `${what}: marks stale data with fetchedAt and the upstream error`,
      run: async () => {
        options.render(
          answering(async () => ({
            ...options.value,
            stale: true,
            fetchedAt: '2026-11-30T06:00:00.000Z',
            error: {
              upstream: options.upstream,
              message: 'connect ETIMEDOUT',
            },
          })),
        );
        const banner = await screen.findByRole('status');
        expect(banner).toHaveTextContent(
          new Date('2026-11-30T06:00:00.000Z').toLocaleString(),
        );
        expect(banner).toHaveTextContent(
          `${options.upstream} failed: connect ETIMEDOUT`,
        );
        expect(screen.getAllByText(options.dataText).length).toBeGreaterThan(0);
      },
    },
  ];
}
