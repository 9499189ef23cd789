import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';

/*
 * A contract server for Coder's REST API (`/api/v2`), built from the response
 * shapes documented in coder/coder `docs/reference/api/*.md`. Coder cannot run
 * here, so this server keeps users, organizations, files, template versions,
 * provisioner jobs, templates and workspaces in memory and follows Coder's
 * documented semantics: `Coder-Session-Token` auth, 409 on a second first
 * user, files deduplicated by content hash, provisioner jobs that go
 * pending -> running -> succeeded | failed with logs, templates created only
 * from imported versions.
 */

/** Options of {@link CoderContractServer.start}. */
export interface CoderContractServerOptions {
  /** Reported by `/buildinfo` and the health report. Default `v2.25.1`. */
  version?: string;
  /**
   * How many reads of a template version (or its logs) a provisioner job
   * stays `pending`, then `running`, before it completes. Default 1.
   */
  jobReadsPerStage?: number;
  /** Decides a job's failure from the uploaded archive; returns an error message to fail it. */
  failJobWhen?: (archive: Buffer) => string | undefined;
}

/** One recorded request, for assertions (`server.requests`). */
export interface CoderContractRequest {
  method: string;
  path: string;
  authenticated: boolean;
}

interface User {
  id: string;
  email: string;
  username: string;
  name: string;
  password: string;
  created_at: string;
}

interface Job {
  id: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  reads: number;
  created_at: string;
  started_at?: string;
  completed_at?: string;
  error?: string;
  file_id: string;
  failure?: string;
  logs: {
    id: number;
    created_at: string;
    log_source: string;
    log_level: string;
    stage: string;
    output: string;
  }[];
}

interface Version {
  id: string;
  name: string;
  message: string;
  template_id: string | null;
  organization_id: string;
  job: Job;
  variables: { name: string; value: string }[];
  created_at: string;
  created_by: string;
}

interface Template {
  id: string;
  name: string;
  display_name: string;
  description: string;
  icon: string;
  active_version_id: string;
  default_ttl_ms: number;
  organization_id: string;
  created_at: string;
  updated_at: string;
  created_by_id: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

const now = () => new Date().toISOString();
let logIds = 0;

/** An in-memory Coder deployment speaking Coder's REST API over node:http. */
export class CoderContractServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: CoderContractRequest[] = [];

  private readonly users = new Map<string, User>();
  private readonly tokens = new Map<string, string>();
  private readonly files = new Map<
    string,
    { hash: string; data: Buffer; created_by: string }
  >();
  private readonly versions = new Map<string, Version>();
  private readonly templates = new Map<string, Template>();
  private readonly workspaces: Record<string, unknown>[] = [];
  private readonly organization = {
    id: randomUUID(),
    name: 'coder',
    display_name: 'Coder',
    is_default: true,
    created_at: now(),
    updated_at: now(),
  };
  private failNext?: string;

  private constructor(
    private readonly server: Server,
    private readonly options: CoderContractServerOptions,
  ) {
    const address = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${address.port}`;
  }

  /** Starts a server on a free port of 127.0.0.1. */
  static async start(
    options: CoderContractServerOptions = {},
  ): Promise<CoderContractServer> {
    const holder: { instance?: CoderContractServer } = {};
    const server = createServer((req, res) => {
      holder.instance!.handle(req, res).catch(error => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: String(error) }));
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    holder.instance = new CoderContractServer(server, options);
    return holder.instance;
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  /** Creates the first (owner) user directly and returns a session token for it. */
  seedFirstUser(user: {
    email: string;
    username: string;
    password: string;
  }): string {
    if (this.users.size > 0) throw new Error('first user already exists');
    const created = this.addUser(user);
    return this.issueToken(created.id);
  }

  /** Makes the next provisioner job fail with this error. */
  failNextJob(error: string): void {
    this.failNext = error;
  }

  /** Adds a workspace (merged over a complete default) for `GET /workspaces`. */
  addWorkspace(workspace: Record<string, unknown>): void {
    const id = randomUUID();
    this.workspaces.push({
      id,
      name: `ws-${this.workspaces.length + 1}`,
      owner_name: 'admin',
      organization_id: this.organization.id,
      organization_name: this.organization.name,
      template_name: 'devbox',
      template_display_name: 'Devbox',
      template_icon: '',
      outdated: false,
      last_used_at: now(),
      dormant_at: null,
      deleting_at: null,
      ttl_ms: null,
      autostart_schedule: null,
      health: { healthy: true, failing_agents: [] },
      latest_build: {
        id: randomUUID(),
        build_number: 1,
        status: 'running',
        transition: 'start',
        created_at: now(),
        job: {
          id: randomUUID(),
          status: 'succeeded',
          created_at: now(),
          file_id: randomUUID(),
          queue_position: 0,
          queue_size: 0,
          tags: {},
        },
        resources: [],
      },
      ...workspace,
    });
  }

  /** Names of the templates, for assertions. */
  templateNames(): string[] {
    return [...this.templates.values()].map(t => t.name);
  }

  /** Number of template versions created so far. */
  versionCount(): number {
    return this.versions.size;
  }

  /** Number of files stored so far. */
  fileCount(): number {
    return this.files.size;
  }

  // ------------------------------------------------------------------ routing

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const user = this.authenticate(req);
    this.requests.push({ method, path, authenticated: Boolean(user) });
    const body = await readBody(req);
    try {
      const [status, payload] = this.route(method, path, url, req, body, user);
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(payload));
    } catch (error) {
      if (error instanceof HttpError) {
        res.writeHead(error.status, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            message: error.message,
            ...(error.detail ? { detail: error.detail } : {}),
          }),
        );
        return;
      }
      throw error;
    }
  }

  private route(
    method: string,
    path: string,
    url: URL,
    req: IncomingMessage,
    body: Buffer,
    user: User | undefined,
  ): [number, unknown] {
    const p = path.replace(/^\/api\/v2/, '');
    const key = `${method} ${p}`;
    // Unauthenticated endpoints.
    if (key === 'GET /buildinfo') return [200, this.buildInfo()];
    if (key === 'GET /users/first') {
      if (this.users.size === 0) {
        throw new HttpError(404, 'The initial user has not been created!');
      }
      return [200, { message: 'The initial user has already been created!' }];
    }
    if (key === 'POST /users/first') return this.createFirstUser(json(body));
    if (key === 'POST /users/login') return this.login(json(body));

    if (!user) {
      if (!req.headers['coder-session-token']) {
        throw new HttpError(
          401,
          'Cookie "coder_session_token" or query parameter must be provided.',
        );
      }
      throw new HttpError(401, 'Invalid API key.');
    }

    if (key === 'GET /users/me') return [200, this.userView(user)];
    if (key === 'GET /debug/health') return [200, this.health()];
    if (key === 'GET /deployment/stats') return [200, this.stats()];
    if (key === 'GET /workspaces') return [200, this.listWorkspaces(url)];
    if (key === 'GET /templates') return [200, this.listTemplates()];
    if (key === 'POST /files') return this.uploadFile(req, body, user);
    const at = (re: RegExp, verb?: string): string[] | undefined => {
      if (verb && verb !== method) return undefined;
      return re.exec(p)?.slice(1).map(decodeURIComponent);
    };

    const orgItem = at(/^\/organizations\/([^/]+)$/, 'GET');
    if (orgItem) {
      this.org(orgItem[0]);
      return [200, this.organization];
    }
    const orgTemplates = at(/^\/organizations\/([^/]+)\/templates$/);
    if (orgTemplates) {
      this.org(orgTemplates[0]);
      if (method === 'GET') return [200, this.listTemplates()];
      if (method === 'POST') return this.createTemplate(json(body), user);
    }
    const templateByName = at(
      /^\/organizations\/([^/]+)\/templates\/([^/]+)$/,
      'GET',
    );
    if (templateByName) {
      this.org(templateByName[0]);
      const template = [...this.templates.values()].find(
        t => t.name === templateByName[1],
      );
      if (!template) {
        throw new HttpError(
          404,
          'Resource not found or you do not have access to this resource',
        );
      }
      return [200, this.templateView(template)];
    }
    const newVersion = at(
      /^\/organizations\/([^/]+)\/templateversions$/,
      'POST',
    );
    if (newVersion) {
      this.org(newVersion[0]);
      return this.createVersion(json(body), user);
    }
    const daemons = at(/^\/organizations\/([^/]+)\/provisionerdaemons$/, 'GET');
    if (daemons) {
      this.org(daemons[0]);
      return [200, [this.daemon()]];
    }
    const versionItem = at(/^\/templateversions\/([^/]+)$/, 'GET');
    if (versionItem) {
      const version = this.version(versionItem[0]);
      this.advance(version.job);
      return [200, this.versionView(version)];
    }
    const versionLogs = at(/^\/templateversions\/([^/]+)\/logs$/, 'GET');
    if (versionLogs) {
      const version = this.version(versionLogs[0]);
      this.advance(version.job);
      const after = Number(url.searchParams.get('after') ?? 0);
      return [200, version.job.logs.filter(l => l.id > after)];
    }
    const versionVariables = at(
      /^\/templateversions\/([^/]+)\/variables$/,
      'GET',
    );
    if (versionVariables) {
      const version = this.version(versionVariables[0]);
      return [
        200,
        version.variables.map(v => ({
          name: v.name,
          value: v.value,
          type: 'string',
          sensitive: false,
          required: false,
          default_value: '',
          description: '',
        })),
      ];
    }
    const templateItem = at(/^\/templates\/([^/]+)$/, 'GET');
    if (templateItem) {
      return [200, this.templateView(this.template(templateItem[0]))];
    }
    const promote = at(/^\/templates\/([^/]+)\/versions$/, 'PATCH');
    if (promote) {
      return this.promote(this.template(promote[0]), json(body));
    }
    throw new HttpError(404, `Route not found: ${method} ${path}`);
  }

  // ------------------------------------------------------------------ users

  private addUser(input: {
    email: string;
    username: string;
    password: string;
    name?: string;
  }): User {
    const user: User = {
      id: randomUUID(),
      email: input.email,
      username: input.username,
      name: input.name ?? '',
      password: input.password,
      created_at: now(),
    };
    this.users.set(user.id, user);
    return user;
  }

  private issueToken(userId: string): string {
    // Coder session tokens look like `<10-char id>-<22-char secret>`.
    const token = `${randomBytes(5).toString('hex')}-${randomBytes(11).toString(
      'hex',
    )}`;
    this.tokens.set(token, userId);
    return token;
  }

  private authenticate(req: IncomingMessage): User | undefined {
    const token = req.headers['coder-session-token'];
    if (typeof token !== 'string') return undefined;
    const userId = this.tokens.get(token);
    return userId ? this.users.get(userId) : undefined;
  }

  private createFirstUser(body: Record<string, any>): [number, unknown] {
    if (this.users.size > 0) {
      throw new HttpError(409, 'The initial user has already been created.');
    }
    const missing = ['email', 'username', 'password'].filter(k => !body[k]);
    if (missing.length > 0) {
      throw new HttpError(
        400,
        'Validation failed.',
        missing.map(k => `${k}: required`).join(', '),
      );
    }
    if (String(body.password).length < 6) {
      throw new HttpError(
        400,
        'Password not strong enough!',
        'password is too short',
      );
    }
    const user = this.addUser(body as any);
    return [201, { user_id: user.id, organization_id: this.organization.id }];
  }

  private login(body: Record<string, any>): [number, unknown] {
    const user = [...this.users.values()].find(
      u => u.email === body.email && u.password === body.password,
    );
    if (!user) throw new HttpError(401, 'Incorrect email or password.');
    return [201, { session_token: this.issueToken(user.id) }];
  }

  private userView(user: User) {
    return {
      id: user.id,
      username: user.username,
      email: user.email,
      name: user.name,
      status: 'active',
      login_type: 'password',
      organization_ids: [this.organization.id],
      roles: [{ name: 'owner', display_name: 'Owner' }],
      created_at: user.created_at,
      last_seen_at: now(),
      avatar_url: '',
    };
  }

  // ------------------------------------------------------------ read views

  private buildInfo() {
    const version = this.options.version ?? 'v2.25.1';
    return {
      version: `${version}+contract`,
      external_url: `https://github.com/coder/coder/commit/contract`,
      dashboard_url: this.url,
      deployment_id: 'contract-deployment',
      agent_api_version: '2.4',
      provisioner_api_version: '1.7',
      upgrade_message: '',
      telemetry: false,
      workspace_proxy: false,
      webpush_public_key: '',
    };
  }

  private health() {
    const section = {
      healthy: true,
      severity: 'ok',
      dismissed: false,
      warnings: [],
    };
    return {
      healthy: true,
      severity: 'ok',
      time: now(),
      coder_version: this.buildInfo().version,
      access_url: {
        ...section,
        access_url: this.url,
        reachable: true,
        status_code: 200,
      },
      database: {
        ...section,
        reachable: true,
        latency: '1ms',
        latency_ms: 1,
        threshold_ms: 15,
      },
      derp: { ...section, regions: {}, netcheck: null },
      websocket: { ...section, code: 101, body: '' },
      workspace_proxy: { ...section, workspace_proxies: { regions: [] } },
      provisioner_daemons: {
        ...section,
        items: [{ provisioner_daemon: this.daemon(), warnings: [] }],
      },
    };
  }

  private stats() {
    const count = (status: string) =>
      this.workspaces.filter(w => (w.latest_build as any).status === status)
        .length;
    return {
      aggregated_from: new Date(Date.now() - 3_600_000).toISOString(),
      collected_at: now(),
      next_update_at: new Date(Date.now() + 60_000).toISOString(),
      workspaces: {
        pending: count('pending'),
        building: count('starting'),
        running: count('running'),
        failed: count('failed'),
        stopped: count('stopped'),
        connection_latency_ms: { p50: 12, p95: 40 },
        rx_bytes: 0,
        tx_bytes: 0,
      },
      session_count: { vscode: 0, ssh: 0, jetbrains: 0, reconnecting_pty: 0 },
    };
  }

  private daemon() {
    return {
      id: '7c60d51f-b44e-4682-87d6-449835ea4de6',
      name: 'coder-provisioner-0',
      version: this.buildInfo().version,
      api_version: '1.7',
      status: 'idle',
      created_at: this.organization.created_at,
      last_seen_at: now(),
      provisioners: ['terraform'],
      tags: { scope: 'organization', owner: '' },
      key_name: 'built-in',
      organization_id: this.organization.id,
      current_job: null,
      previous_job: null,
    };
  }

  private listWorkspaces(url: URL) {
    const q = url.searchParams.get('q') ?? '';
    const filters = Object.fromEntries(
      q
        .split(/\s+/)
        .filter(term => term.includes(':'))
        .map(term => term.split(':', 2) as [string, string]),
    );
    let list = this.workspaces.filter(
      w =>
        (!filters.owner ||
          filters.owner === 'me' ||
          w.owner_name === filters.owner) &&
        (!filters.template || w.template_name === filters.template) &&
        (!filters.name || String(w.name).includes(filters.name)) &&
        (!filters.status || (w.latest_build as any).status === filters.status),
    );
    const count = list.length;
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 0);
    list = list.slice(offset, limit > 0 ? offset + limit : undefined);
    return { count, workspaces: list };
  }

  // -------------------------------------------------------- files, versions

  private uploadFile(
    req: IncomingMessage,
    body: Buffer,
    user: User,
  ): [number, unknown] {
    const type = req.headers['content-type'];
    if (type !== 'application/x-tar' && type !== 'application/zip') {
      throw new HttpError(400, `Unsupported content type header "${type}".`);
    }
    const hash = createHash('sha256').update(body).digest('hex');
    const existing = [...this.files.entries()].find(
      ([, f]) => f.hash === hash && f.created_by === user.id,
    );
    if (existing) return [200, { hash: existing[0] }];
    const id = randomUUID();
    this.files.set(id, { hash, data: body, created_by: user.id });
    return [201, { hash: id }];
  }

  private createVersion(
    body: Record<string, any>,
    user: User,
  ): [number, unknown] {
    if (body.storage_method !== 'file') {
      throw new HttpError(
        400,
        'Validation failed.',
        'storage_method: must be "file"',
      );
    }
    const file = this.files.get(body.file_id);
    if (!file) {
      throw new HttpError(404, 'File not found.', `file_id ${body.file_id}`);
    }
    const templateId: string | null = body.template_id ?? null;
    if (templateId) this.template(templateId);
    const name: string =
      body.name ||
      `${['brave', 'calm', 'eager'][this.versions.size % 3]}_${randomBytes(
        3,
      ).toString('hex')}`;
    if (
      templateId &&
      [...this.versions.values()].some(
        v => v.template_id === templateId && v.name === name,
      )
    ) {
      throw new HttpError(
        409,
        `A template version with name "${name}" already exists for this template.`,
      );
    }
    const failure = this.failNext ?? this.options.failJobWhen?.(file.data);
    this.failNext = undefined;
    const version: Version = {
      id: randomUUID(),
      name,
      message: body.message ?? '',
      template_id: templateId,
      organization_id: this.organization.id,
      variables: body.user_variable_values ?? [],
      created_at: now(),
      created_by: user.id,
      job: {
        id: randomUUID(),
        status: 'pending',
        reads: 0,
        created_at: now(),
        file_id: body.file_id,
        failure,
        logs: [],
      },
    };
    this.versions.set(version.id, version);
    return [201, this.versionView(version)];
  }

  private advance(job: Job) {
    if (job.status === 'succeeded' || job.status === 'failed') return;
    job.reads += 1;
    const perStage = this.options.jobReadsPerStage ?? 1;
    const log = (stage: string, output: string, level = 'info') =>
      job.logs.push({
        id: ++logIds,
        created_at: now(),
        log_source: 'provisioner',
        log_level: level,
        stage,
        output,
      });
    if (job.status === 'pending' && job.reads >= perStage) {
      job.status = 'running';
      job.started_at = now();
      log('Setting up', '');
      log('Parsing template parameters', 'Initializing the backend...');
    } else if (job.status === 'running' && job.reads >= 2 * perStage) {
      job.completed_at = now();
      if (job.failure) {
        log('Detecting persistent resources', job.failure, 'error');
        job.status = 'failed';
        job.error = job.failure;
      } else {
        log('Detecting persistent resources', 'Terraform 1.9.8');
        log('Cleaning Up', '');
        job.status = 'succeeded';
      }
    }
  }

  private versionView(version: Version) {
    const {
      reads: _reads,
      failure: _failure,
      logs: _logs,
      ...job
    } = version.job;
    return {
      id: version.id,
      name: version.name,
      message: version.message,
      template_id: version.template_id,
      organization_id: version.organization_id,
      readme: '',
      archived: false,
      warnings: [],
      created_at: version.created_at,
      updated_at: version.created_at,
      created_by: {
        id: version.created_by,
        username: this.users.get(version.created_by)?.username,
      },
      job: {
        ...job,
        queue_position: 0,
        queue_size: 0,
        tags: { scope: 'organization', owner: '' },
        error: job.error ?? '',
      },
    };
  }

  private version(id: string): Version {
    const version = this.versions.get(id);
    if (!version) {
      throw new HttpError(
        404,
        'Resource not found or you do not have access to this resource',
      );
    }
    return version;
  }

  // -------------------------------------------------------------- templates

  private createTemplate(
    body: Record<string, any>,
    user: User,
  ): [number, unknown] {
    if (!body.name)
      throw new HttpError(400, 'Validation failed.', 'name: required');
    if ([...this.templates.values()].some(t => t.name === body.name)) {
      throw new HttpError(
        409,
        `Template with name "${body.name}" already exists.`,
      );
    }
    const version = this.version(body.template_version_id);
    this.requireImported(version);
    const template: Template = {
      id: randomUUID(),
      name: body.name,
      display_name: body.display_name ?? '',
      description: body.description ?? '',
      icon: body.icon ?? '',
      active_version_id: version.id,
      default_ttl_ms: body.default_ttl_ms ?? 0,
      organization_id: this.organization.id,
      created_at: now(),
      updated_at: now(),
      created_by_id: user.id,
    };
    version.template_id = template.id;
    this.templates.set(template.id, template);
    return [201, this.templateView(template)];
  }

  private promote(
    template: Template,
    body: Record<string, any>,
  ): [number, unknown] {
    const version = this.version(body.id);
    if (version.template_id !== template.id) {
      throw new HttpError(
        400,
        "The provided template version doesn't belong to the specified template.",
      );
    }
    this.requireImported(version);
    template.active_version_id = version.id;
    template.updated_at = now();
    return [200, { message: 'Updated the active template version!' }];
  }

  private requireImported(version: Version) {
    if (version.job.status === 'failed') {
      throw new HttpError(
        400,
        'The provided template version failed to import. You cannot create a template from this version.',
      );
    }
    if (version.job.status !== 'succeeded') {
      throw new HttpError(
        400,
        'The provided template version is still being built. Wait for it to finish.',
      );
    }
  }

  private template(id: string): Template {
    const template = this.templates.get(id);
    if (!template) {
      throw new HttpError(
        404,
        'Resource not found or you do not have access to this resource',
      );
    }
    return template;
  }

  private listTemplates() {
    return [...this.templates.values()].map(t => this.templateView(t));
  }

  private templateView(t: Template) {
    return {
      ...t,
      organization_name: this.organization.name,
      organization_display_name: this.organization.display_name,
      active_user_count: 0,
      build_time_stats: {
        start: { p50: null, p95: null },
        stop: { p50: null, p95: null },
        delete: { p50: null, p95: null },
      },
      deprecated: false,
      deprecation_message: '',
      provisioner: 'terraform',
      created_by_name: this.users.get(t.created_by_id)?.username ?? '',
      allow_user_cancel_workspace_jobs: true,
      require_active_version: false,
    };
  }

  private org(ref: string) {
    const decoded = decodeURIComponent(ref);
    if (
      decoded !== 'default' &&
      decoded !== this.organization.id &&
      decoded !== this.organization.name
    ) {
      throw new HttpError(404, `Organization "${decoded}" not found.`);
    }
  }
}

function json(body: Buffer): Record<string, any> {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'Request body must be valid JSON.');
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
