import type { CoderOverviewResponse } from '@coder-platform/plugin-coder-platform-common';
import { redact } from '@coder-platform/plugin-coder-platform-node';
import { ClusterUpstreams } from './ClusterUpstreams';
import { summarizeHealth } from './coderHealth';

/**
 * Reads the Coder overview of one cluster: build info (decides whether Coder
 * is reachable at all), then health, stats, templates and provisioner
 * daemons, each of which the token may be refused (listed in `unavailable`).
 */
export async function loadCoderOverview(
  u: ClusterUpstreams,
  name: string,
): Promise<Omit<CoderOverviewResponse, 'fetchedAt' | 'stale' | 'error'>> {
  const client = u.coder();
  const run = <T>(fn: (signal: AbortSignal) => Promise<T>) =>
    u.limiters.coder.run('coder', fn);
  const org = u.cluster.coder!.organization;
  const unavailable: { section: string; message: string }[] = [];
  const optional = async <T>(
    section: string,
    fn: (signal: AbortSignal) => Promise<T>,
  ) => {
    try {
      return await run(fn);
    } catch (error) {
      unavailable.push({
        section,
        message: redact((error as Error).message, u.cluster.secrets),
      });
      return undefined;
    }
  };
  // Build info decides whether Coder is reachable at all; the rest may be refused per role.
  const [buildInfo, health, stats, templates, provisioners] = await Promise.all(
    [
      run(signal => client.getBuildInfo(signal)),
      optional('health', signal => client.getHealth({ signal })),
      optional('stats', signal => client.getDeploymentStats(signal)),
      optional('templates', signal =>
        client.getTemplates({ organization: org, signal }),
      ),
      optional('provisioners', signal =>
        client.getProvisionerDaemons(org, { signal }),
      ),
    ],
  );
  return {
    cluster: name,
    buildInfo: {
      version: buildInfo.version,
      dashboardUrl: buildInfo.dashboard_url,
      externalUrl: buildInfo.external_url,
      upgradeMessage: buildInfo.upgrade_message || undefined,
    },
    health: health && summarizeHealth(health),
    stats: stats && {
      collectedAt: stats.collected_at,
      workspaces: {
        pending: stats.workspaces.pending,
        building: stats.workspaces.building,
        running: stats.workspaces.running,
        failed: stats.workspaces.failed,
        stopped: stats.workspaces.stopped,
      },
      sessions: {
        vscode: stats.session_count.vscode,
        ssh: stats.session_count.ssh,
        jetbrains: stats.session_count.jetbrains,
        reconnectingPty: stats.session_count.reconnecting_pty,
      },
      connectionLatencyMs: stats.workspaces.connection_latency_ms,
    },
    templates: (templates ?? []).map(t => ({
      name: t.name,
      displayName: t.display_name || t.name,
      organization: t.organization_name,
      activeUserCount: t.active_user_count,
      buildTimeStats: t.build_time_stats ?? {},
      deprecated: t.deprecated,
      deprecationMessage: t.deprecation_message || undefined,
      updatedAt: t.updated_at,
    })),
    provisioners: (provisioners ?? []).map(p => ({
      name: p.name,
      status: p.status ?? 'unknown',
      version: p.version,
      lastSeenAt: p.last_seen_at,
      provisioners: p.provisioners,
      tags: p.tags,
      currentJob: p.current_job
        ? {
            status: p.current_job.status,
            template: p.current_job.template_name,
          }
        : undefined,
    })),
    unavailable,
  };
}
