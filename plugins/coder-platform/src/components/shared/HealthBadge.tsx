import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';

/** Health levels of Coder (`ok|warning|error`) and backups (`ok|warning|critical`). */
export type HealthLevel = 'ok' | 'warning' | 'error' | 'critical' | 'unknown';

/** A coloured status dot with a label; colours come from the theme. */
export function HealthBadge(props: { level: HealthLevel; label?: string }) {
  const label = props.label ?? props.level;
  switch (props.level) {
    case 'ok':
      return <StatusOK>{label}</StatusOK>;
    case 'warning':
      return <StatusWarning>{label}</StatusWarning>;
    case 'error':
    case 'critical':
      return <StatusError>{label}</StatusError>;
    default:
      return <StatusAborted>{label}</StatusAborted>;
  }
}
