import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';

/**
 * The cluster does not configure what this view reads. Names the config key
 * to set, from the backend's 404.
 */
export function NotConfiguredState(props: {
  /** What the view shows, e.g. "Keycloak users". */
  what: string;
  /** The backend's message, e.g. "Cluster dev-eu1 has no keycloak configured (...)". */
  message: string;
  /** e.g. `coderPlatform.clusters[].keycloak`. */
  configKey?: string;
}) {
  const { what, message, configKey } = props;
  return (
    <Alert severity="info">
      <AlertTitle>{what}: not configured</AlertTitle>
      {message}
      {configKey && (
        <>
          <br />
          Set <code>{configKey}</code> in the backend's app-config to show this
          view.
        </>
      )}
    </Alert>
  );
}
