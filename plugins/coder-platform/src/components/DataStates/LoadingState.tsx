import { Progress } from '@backstage/core-components';

/** Shown while a request is in flight. */
export function LoadingState(props: { what?: string }) {
  return (
    <div
      role="progressbar"
      aria-label={props.what ? `Loading ${props.what}` : 'Loading'}
    >
      <Progress />
    </div>
  );
}
