import { ResponseErrorPanel } from '@backstage/core-components';
import type { Freshness } from '@coder-platform/plugin-coder-platform-common';
import { ReactNode } from 'react';
import { LoadingState } from './LoadingState';
import { NotConfiguredState } from './NotConfiguredState';
import { PermissionDeniedState } from './PermissionDeniedState';
import { StaleBanner } from './StaleBanner';
import { UpstreamErrorState } from './UpstreamErrorState';
import { AsyncStateLike, useDataState } from './useDataState';

function isFreshness(value: unknown): value is Freshness {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Freshness).stale === 'boolean' &&
    typeof (value as Freshness).fetchedAt === 'string'
  );
}

/**
 * Renders one request's state: loading, not configured, permission denied,
 * upstream error, error, or `children(value)` with a stale banner on top
 * when the value is marked stale.
 */
export function DataStateView<T>(props: {
  /** `useAsync(...)`'s result. */
  state: AsyncStateLike<T>;
  /** What the view shows, e.g. "Keycloak users"; used in every message. */
  what: string;
  /** The permission the route checks, shown when the backend does not name it. */
  permission?: string;
  children: (value: T) => ReactNode;
}) {
  const state = useDataState(props.state);
  switch (state.kind) {
    case 'loading':
      return <LoadingState what={props.what} />;
    case 'not-configured':
      return (
        <NotConfiguredState
          what={props.what}
          message={state.message}
          configKey={state.configKey}
        />
      );
    case 'permission-denied':
      return (
        <PermissionDeniedState
          what={props.what}
          permission={state.permission ?? props.permission}
        />
      );
    case 'upstream-error':
      return <UpstreamErrorState what={props.what} message={state.message} />;
    case 'error':
      return <ResponseErrorPanel title={props.what} error={state.error} />;
    default:
      return (
        <>
          {isFreshness(state.value) && <StaleBanner freshness={state.value} />}
          {props.children(state.value)}
        </>
      );
  }
}
