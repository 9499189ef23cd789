import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  CODER_PLATFORM_CLUSTER_ANNOTATION,
  CODER_PLATFORM_CODER_TEMPLATE_ANNOTATION,
  coderPlatformCoderReadPermission,
  CoderTemplateSummary,
  getEntityClusterName,
} from '@coder-platform/plugin-coder-platform-common';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { coderPlatformApiRef } from '../../api';
import { ClusterWorkspacesContent } from '../ClusterWorkspaces';
import { DataStateView } from '../DataStates';
import { formatBuildTime } from '../shared';

function TemplateSummary(props: {
  cluster: string;
  template: CoderTemplateSummary | undefined;
  name: string;
}) {
  const { cluster, template, name } = props;
  if (!template) {
    return (
      <Alert severity="warning">
        Coder on cluster {cluster} has no template named <code>{name}</code>:
        push it with the workspace-image template, or fix the{' '}
        <code>{CODER_PLATFORM_CODER_TEMPLATE_ANNOTATION}</code> annotation.
      </Alert>
    );
  }
  const start = template.buildTimeStats.start;
  return (
    <Typography variant="body2" gutterBottom>
      Template <strong>{template.displayName || template.name}</strong> on{' '}
      {cluster}:{' '}
      {template.activeUserCount < 0
        ? 'active users being computed'
        : `${template.activeUserCount} active users`}
      , start build p50 {formatBuildTime(start?.p50)}
      {template.deprecated
        ? `. Deprecated: ${template.deprecationMessage ?? ''}`
        : ''}
    </Typography>
  );
}

/** The template from one overview request, then the workspaces using it. */
function TemplateAndWorkspaces(props: { cluster: string; template: string }) {
  const { cluster, template } = props;
  const api = useApi(coderPlatformApiRef);
  const state = useAsync(() => api.getCoderOverview(cluster), [api, cluster]);
  return (
    <DataStateView
      state={state}
      what="Coder template"
      permission={coderPlatformCoderReadPermission.name}
    >
      {overview => (
        <>
          <TemplateSummary
            cluster={cluster}
            name={template}
            template={overview.templates.find(t => t.name === template)}
          />
          <ClusterWorkspacesContent
            cluster={cluster}
            fixedQuery={`template:${template}`}
            pageSize={10}
            hideTemplate
            coderUrl={overview.buildInfo.dashboardUrl}
          />
        </>
      )}
    </DataStateView>
  );
}

/**
 * Card on a `workspace-image` Component: its Coder template (from
 * `coder-platform.io/coder-template`, on the cluster named by
 * `coder-platform.io/cluster`) and the workspaces using it.
 */
export function EntityWorkspaceImageCard() {
  const { entity } = useEntity();
  const template =
    entity.metadata.annotations?.[
      CODER_PLATFORM_CODER_TEMPLATE_ANNOTATION
    ]?.trim();
  let cluster: string | undefined;
  let annotationError: Error | undefined;
  try {
    cluster = getEntityClusterName(entity);
  } catch (error) {
    annotationError = error as Error;
  }
  let body;
  if (annotationError) {
    body = <Alert severity="error">{annotationError.message}</Alert>;
  } else if (!cluster || !template) {
    body = (
      <Alert severity="info">
        To show this image's Coder template and its workspaces, annotate the
        entity with{' '}
        {!cluster && (
          <>
            <code>{CODER_PLATFORM_CLUSTER_ANNOTATION}</code> (the cluster)
            {!template && ' and '}
          </>
        )}
        {!template && (
          <>
            <code>{CODER_PLATFORM_CODER_TEMPLATE_ANNOTATION}</code> (the
            template name in Coder)
          </>
        )}
        .
      </Alert>
    );
  } else {
    body = <TemplateAndWorkspaces cluster={cluster} template={template} />;
  }
  return <InfoCard title="Coder template and workspaces">{body}</InfoCard>;
}
