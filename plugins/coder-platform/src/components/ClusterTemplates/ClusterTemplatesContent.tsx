import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLinks } from '@backstage/plugin-catalog-react';
import {
  coderPlatformCoderReadPermission,
  CODER_PLATFORM_CODER_TEMPLATE_ANNOTATION,
  CoderTemplateSummary,
} from '@coder-platform/plugin-coder-platform-common';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { coderPlatformApiRef } from '../../api';
import { DataStateView } from '../DataStates';
import { formatBuildTime, formatDateTime } from '../shared';
import { useWorkspaceImages } from './useWorkspaceImages';

function activeUsers(template: CoderTemplateSummary): string {
  return template.activeUserCount < 0
    ? 'computing'
    : String(template.activeUserCount);
}

function buildTime(template: CoderTemplateSummary): string {
  const start = template.buildTimeStats.start;
  if (!start || start.p50 === null) return 'n/a';
  return `${formatBuildTime(start.p50)} (p95 ${formatBuildTime(start.p95)})`;
}

/**
 * A cluster's Templates tab: each Coder template with its workspace image
 * (the catalog's `workspace-image` Components naming it), active users and
 * start build time.
 */
export function ClusterTemplatesContent(props: { cluster: string }) {
  const api = useApi(coderPlatformApiRef);
  const overview = useAsync(
    () => api.getCoderOverview(props.cluster),
    [api, props.cluster],
  );
  const images = useWorkspaceImages(props.cluster);
  return (
    <DataStateView
      state={overview}
      what="Coder templates"
      permission={coderPlatformCoderReadPermission.name}
    >
      {({ templates }) =>
        templates.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No templates in this Coder deployment yet. Request a workspace image
            with the workspace-image software template.
          </Typography>
        ) : (
          <>
            <Table size="small" aria-label="Coder templates">
              <TableHead>
                <TableRow>
                  <TableCell>Template</TableCell>
                  <TableCell>Workspace image</TableCell>
                  <TableCell>Active users</TableCell>
                  <TableCell>Start build time (p50)</TableCell>
                  <TableCell>Updated</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {templates.map(template => {
                  const entities = images.value?.get(template.name) ?? [];
                  return (
                    <TableRow key={`${template.organization}/${template.name}`}>
                      <TableCell>
                        {template.displayName || template.name}{' '}
                        <Typography
                          variant="caption"
                          color="textSecondary"
                          component="span"
                        >
                          {template.name}
                        </Typography>
                        {template.deprecated && (
                          <>
                            {' '}
                            <Chip
                              size="small"
                              label="deprecated"
                              title={template.deprecationMessage}
                            />
                          </>
                        )}
                      </TableCell>
                      <TableCell>
                        {entities.length > 0 ? (
                          <EntityRefLinks entityRefs={entities} />
                        ) : (
                          <Typography
                            variant="body2"
                            color="textSecondary"
                            component="span"
                          >
                            {images.loading ? '' : 'unknown'}
                          </Typography>
                        )}
                      </TableCell>
                      <TableCell>{activeUsers(template)}</TableCell>
                      <TableCell>{buildTime(template)}</TableCell>
                      <TableCell>
                        {formatDateTime(template.updatedAt)}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
            <Typography variant="caption" color="textSecondary">
              {images.error
                ? `Workspace images unknown: the catalog could not be read (${images.error.message}).`
                : `Workspace images are the catalog's workspace-image Components whose ${CODER_PLATFORM_CODER_TEMPLATE_ANNOTATION} annotation names the template.`}
            </Typography>
          </>
        )
      }
    </DataStateView>
  );
}
