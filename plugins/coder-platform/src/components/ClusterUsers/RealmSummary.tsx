import { InfoCard } from '@backstage/core-components';
import type { KeycloakSummaryResponse } from '@coder-platform/plugin-coder-platform-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';

function Stat(props: { label: string; value: number; hint?: string }) {
  const id = `realm-stat-${props.label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <Grid item xs={6} sm={4} md>
      <Box role="group" aria-labelledby={id}>
        <Typography id={id} variant="body2" color="textSecondary">
          {props.label}
        </Typography>
        <Typography variant="h4" component="p">
          {props.value.toLocaleString('en-US')}
        </Typography>
        {props.hint && (
          <Typography variant="caption" color="textSecondary">
            {props.hint}
          </Typography>
        )}
      </Box>
    </Grid>
  );
}

function percent(part: number, total: number): string | undefined {
  return total > 0 ? `${Math.round((part / total) * 100)} % of all` : undefined;
}

/** Counts of the realm: total, unverified, disabled, created in 7 and 30 days. */
export function RealmSummary(props: { summary: KeycloakSummaryResponse }) {
  const { summary } = props;
  return (
    <InfoCard
      title={`Realm ${summary.realm}`}
      subheader={`Counted at ${summary.evaluatedAt}`}
    >
      <Grid container spacing={2}>
        <Stat label="Users" value={summary.total} />
        <Stat
          label="Email not verified"
          value={summary.unverified}
          hint={percent(summary.unverified, summary.total)}
        />
        <Stat
          label="Disabled"
          value={summary.disabled}
          hint={percent(summary.disabled, summary.total)}
        />
        <Stat
          label="Created in the last 7 days"
          value={summary.createdLast7Days}
        />
        <Stat
          label="Created in the last 30 days"
          value={summary.createdLast30Days}
        />
      </Grid>
    </InfoCard>
  );
}
