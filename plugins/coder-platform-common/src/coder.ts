import type { Freshness } from './backups';

export type CoderSeverity = 'ok' | 'warning' | 'error';

/** A failing (or warning) section of Coder's health report. */
export interface CoderHealthFinding {
  /** `access_url`, `database`, `derp`, `websocket`, `workspace_proxy`, `provisioner_daemons`. */
  section: string;
  severity: CoderSeverity;
  message: string;
  warnings: string[];
  dismissed: boolean;
}

export interface CoderTemplateSummary {
  name: string;
  displayName: string;
  organization?: string;
  /** -1 while Coder is still computing it. */
  activeUserCount: number;
  /** p50/p95 build time in ms per transition (start, stop, delete). */
  buildTimeStats: Record<string, { p50: number | null; p95: number | null }>;
  deprecated: boolean;
  deprecationMessage?: string;
  updatedAt: string;
}

export interface CoderProvisionerSummary {
  name: string;
  status: 'idle' | 'busy' | 'offline' | 'unknown';
  version: string;
  lastSeenAt?: string;
  provisioners: string[];
  tags: Record<string, string>;
  currentJob?: { status: string; template?: string };
}

/** Response of `GET /clusters/:name/coder`. */
export interface CoderOverviewResponse extends Freshness {
  cluster: string;
  buildInfo: {
    version: string;
    dashboardUrl?: string;
    externalUrl?: string;
    upgradeMessage?: string;
  };
  /** Absent when the token may not read it (the report needs the Owner role). */
  health?: {
    healthy: boolean;
    severity: CoderSeverity;
    time: string;
    failing: CoderHealthFinding[];
  };
  stats?: {
    collectedAt: string;
    workspaces: {
      pending: number;
      building: number;
      running: number;
      failed: number;
      stopped: number;
    };
    sessions: {
      vscode: number;
      ssh: number;
      jetbrains: number;
      reconnectingPty: number;
    };
    connectionLatencyMs?: { p50: number; p95: number };
  };
  templates: CoderTemplateSummary[];
  provisioners: CoderProvisionerSummary[];
  /** Sections that could not be read, with why (e.g. 403 for a non-owner token). */
  unavailable: { section: string; message: string }[];
}

export interface CoderWorkspaceSummary {
  id: string;
  name: string;
  owner: string;
  template: string;
  templateDisplayName?: string;
  organization?: string;
  status: string;
  transition: string;
  outdated: boolean;
  healthy?: boolean;
  lastUsedAt: string;
  buildNumber: number;
}

/** Response of `GET /clusters/:name/workspaces`. */
export interface CoderWorkspacesListResponse extends Freshness {
  cluster: string;
  q?: string;
  limit: number;
  offset: number;
  count: number;
  items: CoderWorkspaceSummary[];
}
