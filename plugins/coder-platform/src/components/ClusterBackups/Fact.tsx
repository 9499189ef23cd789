import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';

/** One labelled figure of a card; `role=group` named by its label. */
export function Fact(props: {
  id: string;
  label: string;
  value: ReactNode;
  detail?: ReactNode;
}) {
  const labelId = `${props.id}-label`;
  return (
    <Grid item xs={12} sm={6} md={4} lg>
      <Box role="group" aria-labelledby={labelId}>
        <Typography id={labelId} variant="body2" color="textSecondary">
          {props.label}
        </Typography>
        <Typography variant="h6" component="p">
          {props.value}
        </Typography>
        {props.detail && (
          <Typography
            variant="caption"
            color="textSecondary"
            component="p"
            style={{ wordBreak: 'break-word' }}
          >
            {props.detail}
          </Typography>
        )}
      </Box>
    </Grid>
  );
}
