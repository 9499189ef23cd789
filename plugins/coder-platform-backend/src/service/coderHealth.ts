import type {
  CoderHealthFinding,
  CoderOverviewResponse,
} from '@coder-platform/plugin-coder-platform-common';
import type { CoderHealthReport } from '@coder-platform/plugin-coder-platform-node';

export const HEALTH_SECTIONS = [
  'access_url',
  'database',
  'derp',
  'websocket',
  'workspace_proxy',
  'provisioner_daemons',
] as const;

/** Overall severity plus each section that is not healthy, with its message and warnings. */
export function summarizeHealth(
  report: CoderHealthReport,
): NonNullable<CoderOverviewResponse['health']> {
  return {
    healthy: report.healthy,
    severity: report.severity,
    time: report.time,
    failing: HEALTH_SECTIONS.flatMap((section): CoderHealthFinding[] => {
      const s = report[section];
      if (!s) return [];
      const warnings = (s.warnings ?? []).map(w => `${w.code}: ${w.message}`);
      if (s.healthy && s.severity === 'ok' && warnings.length === 0) return [];
      return [
        {
          section,
          severity: s.severity,
          message: s.error || warnings[0] || `${section} is ${s.severity}`,
          warnings,
          dismissed: Boolean(s.dismissed),
        },
      ];
    }),
  };
}
