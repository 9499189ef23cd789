import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';

/**
 * An upstream (Coder, Keycloak, GCS, Kubernetes) failed and the backend had
 * nothing cached: shows the backend's message, which names the upstream.
 */
export function UpstreamErrorState(props: {
  /** What the view shows, e.g. "Helm releases". */
  what: string;
  /** The backend's message. */
  message: string;
}) {
  return (
    <Alert severity="error">
      <AlertTitle>{props.what}: unavailable</AlertTitle>
      {props.message}
      <br />
      The backend could not read the upstream and has no earlier data to show;
      it tries again on the next request or refresh.
    </Alert>
  );
}
