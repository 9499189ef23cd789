import type { CoderOverviewResponse } from '@coder-platform/plugin-coder-platform-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { formatDateTime, HealthBadge } from '../shared';

/** Coder's health report: overall severity, then each failing section with its messages. */
export function HealthSections(props: {
  health: CoderOverviewResponse['health'];
  unavailable: CoderOverviewResponse['unavailable'];
}) {
  const { health, unavailable } = props;
  if (!health) {
    const why = unavailable.find(u => u.section === 'health');
    return (
      <Typography variant="body2" color="textSecondary">
        Health report not available
        {why ? `: ${why.message}` : '.'}
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="body2" gutterBottom>
        <HealthBadge
          level={health.severity}
          label={health.healthy ? 'Healthy' : `Unhealthy (${health.severity})`}
        />{' '}
        <Typography variant="caption" color="textSecondary" component="span">
          checked {formatDateTime(health.time)}
        </Typography>
      </Typography>
      {health.failing.length > 0 && (
        <List dense aria-label="Failing health sections">
          {health.failing.map(finding => (
            <ListItem key={finding.section} disableGutters>
              <ListItemText
                primary={
                  <>
                    <HealthBadge
                      level={finding.severity}
                      label={finding.section}
                    />{' '}
                    {finding.message}
                    {finding.dismissed ? ' (dismissed)' : ''}
                  </>
                }
                secondary={
                  finding.warnings.length > 0
                    ? finding.warnings.join('; ')
                    : undefined
                }
              />
            </ListItem>
          ))}
        </List>
      )}
    </>
  );
}
