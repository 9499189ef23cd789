import { useMemo } from 'react';
import { classifyError, ErrorState } from './classifyError';

/** The state of one request, ready to render. */
export type DataState<T> =
  | { kind: 'loading' }
  | ErrorState
  | { kind: 'data'; value: T };

/** The shape of `react-use`'s `useAsync` result (and `useAsyncRetry`). */
export interface AsyncStateLike<T> {
  loading: boolean;
  error?: Error;
  value?: T;
}

/**
 * Maps an async request's state to what to render: loading, one of the
 * error states (not configured, permission denied, upstream error, error),
 * or data.
 */
export function useDataState<T>(state: AsyncStateLike<T>): DataState<T> {
  const { loading, error, value } = state;
  return useMemo((): DataState<T> => {
    if (loading) return { kind: 'loading' };
    if (error) return classifyError(error);
    return { kind: 'data', value: value as T };
  }, [loading, error, value]);
}
