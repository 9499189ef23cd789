import type { BackupHealth } from '@coder-platform/plugin-coder-platform-common';
import Chip from '@material-ui/core/Chip';
import { useTheme } from '@material-ui/core/styles';
import { backupColors } from './chartColors';

const LABEL: Record<BackupHealth, string> = {
  ok: 'Healthy',
  warning: 'Warning',
  critical: 'Critical',
};

/** ok / warning / critical as a chip in the theme's success, warning and error colours. */
export function HealthChip(props: { health: BackupHealth }) {
  const theme = useTheme();
  const color = backupColors(theme).health[props.health];
  return (
    <Chip
      size="small"
      label={LABEL[props.health]}
      style={{
        backgroundColor: color,
        color: theme.palette.getContrastText(color),
      }}
    />
  );
}
