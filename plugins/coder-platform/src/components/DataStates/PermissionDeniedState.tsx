import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';

/**
 * The signed-in user lacks a permission. Names it, so they know what to ask
 * their Backstage administrator for; never a raw 403.
 */
export function PermissionDeniedState(props: {
  /** What the view shows, e.g. "Keycloak users". */
  what: string;
  /** e.g. `coder-platform.keycloak.users.read`. */
  permission?: string;
}) {
  const { what, permission } = props;
  return (
    <Alert severity="warning">
      <AlertTitle>{what}: permission required</AlertTitle>
      {permission ? (
        <>
          You need the permission <code>{permission}</code> to see {what}. Ask
          your Backstage administrator to grant it.
        </>
      ) : (
        <>
          You are not allowed to see {what}. Ask your Backstage administrator
          which permission to request.
        </>
      )}
    </Alert>
  );
}
