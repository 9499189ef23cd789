import { ResponseErrorPanel } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  CODER_PLATFORM_CLUSTER_ANNOTATION,
  getEntityClusterName,
} from '@coder-platform/plugin-coder-platform-common';
import Alert from '@material-ui/lab/Alert';
import { ReactNode } from 'react';

/**
 * Reads the entity's `coder-platform.io/cluster` annotation and renders
 * `children(cluster)`, or says what is wrong with the annotation.
 */
export function EntityClusterGuard(props: {
  children: (cluster: string) => ReactNode;
}) {
  const { entity } = useEntity();
  let cluster: string | undefined;
  try {
    cluster = getEntityClusterName(entity);
  } catch (error) {
    return (
      <ResponseErrorPanel
        title="Invalid cluster annotation"
        error={error as Error}
      />
    );
  }
  if (!cluster) {
    return (
      <Alert severity="info">
        This entity names no cluster: add the annotation{' '}
        <code>{CODER_PLATFORM_CLUSTER_ANNOTATION}</code> with the name of a
        cluster from <code>coderPlatform.clusters[]</code>.
      </Alert>
    );
  }
  return <>{props.children(cluster)}</>;
}
