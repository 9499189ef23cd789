/*
 * Response shapes of Coder's REST API (`/api/v2`), as documented in
 * coder/coder `docs/reference/api/*.md`. Only the fields we read are typed;
 * Coder adds fields over time, so every shape stays open to extra keys.
 */

/** `GET /api/v2/buildinfo` (no authentication). */
export interface CoderBuildInfo {
  version: string;
  external_url?: string;
  dashboard_url?: string;
  deployment_id?: string;
  agent_api_version?: string;
  provisioner_api_version?: string;
  upgrade_message?: string;
  telemetry?: boolean;
  workspace_proxy?: boolean;
  [key: string]: unknown;
}

/** Health severity used by every section of the health report. */
export type CoderHealthSeverity = 'ok' | 'warning' | 'error';

/** One section of `GET /api/v2/debug/health`. */
export interface CoderHealthSection {
  healthy: boolean;
  severity: CoderHealthSeverity;
  dismissed?: boolean;
  error?: string | null;
  warnings?: { code: string; message: string }[];
  [key: string]: unknown;
}

/** `GET /api/v2/debug/health` (owner only). */
export interface CoderHealthReport {
  healthy: boolean;
  severity: CoderHealthSeverity;
  time: string;
  coder_version: string;
  access_url?: CoderHealthSection;
  database?: CoderHealthSection & {
    latency_ms?: number;
    threshold_ms?: number;
  };
  derp?: CoderHealthSection;
  websocket?: CoderHealthSection;
  workspace_proxy?: CoderHealthSection;
  provisioner_daemons?: CoderHealthSection & {
    items?: {
      provisioner_daemon: CoderProvisionerDaemon;
      warnings?: unknown[];
    }[];
  };
  [key: string]: unknown;
}

/** `GET /api/v2/deployment/stats` (owner only). */
export interface CoderDeploymentStats {
  aggregated_from: string;
  collected_at: string;
  next_update_at: string;
  workspaces: {
    pending: number;
    building: number;
    running: number;
    failed: number;
    stopped: number;
    connection_latency_ms?: { p50: number; p95: number };
    rx_bytes?: number;
    tx_bytes?: number;
  };
  session_count: {
    vscode: number;
    ssh: number;
    jetbrains: number;
    reconnecting_pty: number;
  };
  [key: string]: unknown;
}

/** One item of `GET /api/v2/templates` or `/organizations/{org}/templates`. */
export interface CoderTemplate {
  id: string;
  name: string;
  display_name: string;
  description: string;
  icon: string;
  active_version_id: string;
  active_user_count: number;
  build_time_stats?: Record<string, { p50: number | null; p95: number | null }>;
  deprecated: boolean;
  deprecation_message?: string;
  provisioner: string;
  organization_id: string;
  organization_name?: string;
  default_ttl_ms?: number;
  created_at: string;
  updated_at: string;
  created_by_name?: string;
  [key: string]: unknown;
}

/** Provisioner job status, shared by template versions and workspace builds. */
export type CoderProvisionerJobStatus =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'canceling'
  | 'canceled'
  | 'failed'
  | 'unknown';

/** The `job` of a template version or workspace build. */
export interface CoderProvisionerJob {
  id: string;
  status: CoderProvisionerJobStatus;
  created_at: string;
  started_at?: string;
  completed_at?: string;
  canceled_at?: string;
  error?: string;
  error_code?: string;
  file_id: string;
  queue_position?: number;
  queue_size?: number;
  tags?: Record<string, string>;
  worker_id?: string;
  [key: string]: unknown;
}

/** `GET /api/v2/templateversions/{id}/logs`: one line of provisioner output. */
export interface CoderProvisionerJobLog {
  id: number;
  created_at: string;
  log_source: 'provisioner_daemon' | 'provisioner' | string;
  log_level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | string;
  stage: string;
  output: string;
}

/** A provisioner daemon of an organization. */
export interface CoderProvisionerDaemon {
  id: string;
  name: string;
  version: string;
  api_version: string;
  status?: 'idle' | 'busy' | 'offline';
  created_at: string;
  last_seen_at?: string;
  provisioners: string[];
  tags: Record<string, string>;
  key_name?: string;
  organization_id?: string;
  current_job?: {
    id: string;
    status: CoderProvisionerJobStatus;
    template_name?: string;
    template_display_name?: string;
    template_icon?: string;
  } | null;
  previous_job?: {
    id: string;
    status: CoderProvisionerJobStatus;
    template_name?: string;
    template_display_name?: string;
    template_icon?: string;
  } | null;
  [key: string]: unknown;
}

/** One workspace of `GET /api/v2/workspaces`. */
export interface CoderWorkspace {
  id: string;
  name: string;
  owner_id?: string;
  owner_name: string;
  owner_avatar_url?: string;
  organization_id?: string;
  organization_name?: string;
  template_id?: string;
  template_name: string;
  template_display_name?: string;
  template_icon?: string;
  outdated: boolean;
  last_used_at: string;
  dormant_at?: string | null;
  deleting_at?: string | null;
  ttl_ms?: number | null;
  autostart_schedule?: string | null;
  health?: { healthy: boolean; failing_agents: string[] };
  latest_build: {
    id?: string;
    build_number: number;
    status: string;
    transition: 'start' | 'stop' | 'delete';
    created_at: string;
    job: CoderProvisionerJob;
    resources?: {
      agents?: {
        id?: string;
        name?: string;
        status: string;
        lifecycle_state: string;
        health?: { healthy: boolean; reason?: string };
      }[];
    }[];
  };
  [key: string]: unknown;
}

/** `GET /api/v2/workspaces` response. */
export interface CoderWorkspacesResponse {
  count: number;
  workspaces: CoderWorkspace[];
}

/** `GET /api/v2/users/me` (subset). */
export interface CoderUser {
  id: string;
  username: string;
  email: string;
  name?: string;
  status: 'active' | 'suspended' | 'dormant';
  organization_ids: string[];
  roles?: { name: string; display_name?: string; organization_id?: string }[];
  login_type?: string;
  created_at: string;
  last_seen_at?: string;
  [key: string]: unknown;
}

/** An organization (`GET /api/v2/organizations/{organization}`). */
export interface CoderOrganization {
  id: string;
  name: string;
  display_name?: string;
  is_default?: boolean;
  [key: string]: unknown;
}

/** `POST /api/v2/users/first` request. */
export interface CoderCreateFirstUserRequest {
  email: string;
  username: string;
  password: string;
  name?: string;
  trial?: boolean;
}

/** `POST /api/v2/users/first` response. */
export interface CoderCreateFirstUserResponse {
  user_id: string;
  organization_id: string;
}

/** A template version (`GET /api/v2/templateversions/{id}`). */
export interface CoderTemplateVersion {
  id: string;
  name: string;
  message: string;
  template_id?: string | null;
  organization_id?: string;
  job: CoderProvisionerJob;
  readme?: string;
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

/** `POST /api/v2/organizations/{org}/templateversions` request. */
export interface CoderCreateTemplateVersionRequest {
  name?: string;
  message?: string;
  file_id: string;
  storage_method: 'file';
  provisioner: 'terraform' | 'echo' | string;
  template_id?: string;
  tags?: Record<string, string>;
  user_variable_values?: { name: string; value: string }[];
}

/** `POST /api/v2/organizations/{org}/templates` request. */
export interface CoderCreateTemplateRequest {
  name: string;
  display_name?: string;
  description?: string;
  icon?: string;
  template_version_id: string;
  default_ttl_ms?: number;
}
