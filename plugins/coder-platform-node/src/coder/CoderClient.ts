import {
  CoderBuildInfo,
  CoderCreateFirstUserRequest,
  CoderCreateFirstUserResponse,
  CoderCreateTemplateRequest,
  CoderCreateTemplateVersionRequest,
  CoderDeploymentStats,
  CoderHealthReport,
  CoderOrganization,
  CoderProvisionerDaemon,
  CoderProvisionerJobLog,
  CoderTemplate,
  CoderTemplateVersion,
  CoderUser,
  CoderWorkspacesResponse,
} from './types';

/** How to reach one Coder deployment. */
export interface CoderClientOptions {
  /** Access URL of the deployment, e.g. `https://coder.dev.example.com`. */
  baseUrl: string;
  /** Session token or API key, sent as the `Coder-Session-Token` header. */
  sessionToken?: string;
  /** Attempts for requests that fail with 429 or 5xx (idempotent requests only). Default 3. */
  retries?: number;
  /** First back-off delay in milliseconds, doubled per attempt. Default 250. */
  retryDelayMs?: number;
  /** Per-request timeout in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** Replaces the global `fetch` (tests). */
  fetch?: typeof fetch;
}

/** A non-2xx answer from Coder, with Coder's own `message` and `detail`. */
export class CoderApiError extends Error {
  readonly name = 'CoderApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly coderMessage: string,
    readonly detail?: string,
  ) {
    super(
      `Coder ${method} ${path} failed with HTTP ${status}: ${coderMessage}${
        detail ? ` (${detail})` : ''
      }`,
    );
  }
}

interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  rawBody?: Uint8Array;
  contentType?: string;
  signal?: AbortSignal;
  /** Retry 429/5xx; on by default for GET, off for writes unless set. */
  retry?: boolean;
  /** Status codes returned as `undefined` instead of thrown. */
  allow?: number[];
  auth?: boolean;
}

/** Organization path segment: Coder accepts a UUID or a name (`default`). */
export type CoderOrganizationRef = string;

/**
 * Coder's REST API, wrapped once for the backend plugin and the scaffolder
 * actions. Reads retry on 429/5xx with back-off; errors carry Coder's message.
 * The session token is sent only as a header and never appears in errors.
 */
export class CoderClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private sessionToken?: string;

  constructor(private readonly options: CoderClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new Error(
        `Coder URL "${options.baseUrl}" is not a valid URL (expected e.g. https://coder.example.com)`,
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Error(`Coder URL must use https or http, got ${url.protocol}`);
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.sessionToken = options.sessionToken;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Uses a new session token for later requests (e.g. after `login`). */
  setSessionToken(token: string | undefined): void {
    this.sessionToken = token;
  }

  // ---------------------------------------------------------------- reads

  /** `GET /api/v2/buildinfo`: version and URLs; needs no token. */
  getBuildInfo(signal?: AbortSignal): Promise<CoderBuildInfo> {
    return this.request('GET', '/api/v2/buildinfo', { signal, auth: false });
  }

  /** `GET /api/v2/debug/health`: the health report (owner only). */
  getHealth(
    options: { force?: boolean; signal?: AbortSignal } = {},
  ): Promise<CoderHealthReport> {
    return this.request('GET', '/api/v2/debug/health', {
      query: { force: options.force ? true : undefined },
      signal: options.signal,
    });
  }

  /** `GET /api/v2/deployment/stats`: workspace and session counts (owner only). */
  getDeploymentStats(signal?: AbortSignal): Promise<CoderDeploymentStats> {
    return this.request('GET', '/api/v2/deployment/stats', { signal });
  }

  /** `GET /api/v2/users/me`. */
  getMe(signal?: AbortSignal): Promise<CoderUser> {
    return this.request('GET', '/api/v2/users/me', { signal });
  }

  /** `GET /api/v2/organizations/{organization}`; `default` is the default organization. */
  getOrganization(
    organization: CoderOrganizationRef = 'default',
    signal?: AbortSignal,
  ): Promise<CoderOrganization> {
    return this.request(
      'GET',
      `/api/v2/organizations/${encodeURIComponent(organization)}`,
      { signal },
    );
  }

  /**
   * Templates of one organization (`/organizations/{org}/templates`), or of
   * every organization the token can read (`/templates`) when none is given.
   */
  getTemplates(
    options: {
      organization?: CoderOrganizationRef;
      q?: string;
      signal?: AbortSignal;
    } = {},
  ): Promise<CoderTemplate[]> {
    const path = options.organization
      ? `/api/v2/organizations/${encodeURIComponent(
          options.organization,
        )}/templates`
      : '/api/v2/templates';
    return this.request('GET', path, {
      query: { q: options.q },
      signal: options.signal,
    });
  }

  /** One template by name, or `undefined` when the organization has none by that name. */
  async getTemplateByName(
    organization: CoderOrganizationRef,
    name: string,
    signal?: AbortSignal,
  ): Promise<CoderTemplate | undefined> {
    return this.request(
      'GET',
      `/api/v2/organizations/${encodeURIComponent(
        organization,
      )}/templates/${encodeURIComponent(name)}`,
      { signal, allow: [404] },
    );
  }

  /** `GET /api/v2/organizations/{org}/provisionerdaemons`. */
  getProvisionerDaemons(
    organization: CoderOrganizationRef = 'default',
    options: { limit?: number; signal?: AbortSignal } = {},
  ): Promise<CoderProvisionerDaemon[]> {
    return this.request(
      'GET',
      `/api/v2/organizations/${encodeURIComponent(
        organization,
      )}/provisionerdaemons`,
      { query: { limit: options.limit }, signal: options.signal },
    );
  }

  /** `GET /api/v2/workspaces?q&limit&offset`. */
  getWorkspaces(
    options: {
      q?: string;
      limit?: number;
      offset?: number;
      signal?: AbortSignal;
    } = {},
  ): Promise<CoderWorkspacesResponse> {
    return this.request('GET', '/api/v2/workspaces', {
      query: { q: options.q, limit: options.limit, offset: options.offset },
      signal: options.signal,
    });
  }

  /** `GET /api/v2/templateversions/{id}`. */
  getTemplateVersion(
    id: string,
    signal?: AbortSignal,
  ): Promise<CoderTemplateVersion> {
    return this.request(
      'GET',
      `/api/v2/templateversions/${encodeURIComponent(id)}`,
      { signal },
    );
  }

  /** `GET /api/v2/templateversions/{id}/logs?after=<log id>`: provisioner job output. */
  getTemplateVersionLogs(
    id: string,
    options: { after?: number; signal?: AbortSignal } = {},
  ): Promise<CoderProvisionerJobLog[]> {
    return this.request(
      'GET',
      `/api/v2/templateversions/${encodeURIComponent(id)}/logs`,
      { query: { after: options.after }, signal: options.signal },
    );
  }

  // --------------------------------------------------------------- writes

  /** `GET /api/v2/users/first`: whether the first user exists (200) or not (404). */
  async hasFirstUser(signal?: AbortSignal): Promise<boolean> {
    const result = await this.request<unknown>('GET', '/api/v2/users/first', {
      signal,
      auth: false,
      allow: [404],
    });
    return result !== undefined;
  }

  /**
   * `POST /api/v2/users/first`. Returns `undefined` when a first user already
   * exists (Coder answers 409), so bootstrapping can be re-run.
   */
  createFirstUser(
    request: CoderCreateFirstUserRequest,
    signal?: AbortSignal,
  ): Promise<CoderCreateFirstUserResponse | undefined> {
    return this.request('POST', '/api/v2/users/first', {
      body: { trial: false, ...request },
      signal,
      auth: false,
      allow: [409],
    });
  }

  /** `POST /api/v2/users/login` with email and password; returns the session token. */
  async login(
    credentials: { email: string; password: string },
    signal?: AbortSignal,
  ): Promise<string> {
    const response = await this.request<{ session_token: string }>(
      'POST',
      '/api/v2/users/login',
      { body: credentials, signal, auth: false },
    );
    return response.session_token;
  }

  /**
   * `POST /api/v2/files` with a tar archive. Coder stores files by content
   * hash, so the same archive uploaded again returns the same id.
   */
  async uploadFile(
    content: Uint8Array,
    options: { contentType?: string; signal?: AbortSignal } = {},
  ): Promise<string> {
    const response = await this.request<{ hash: string }>(
      'POST',
      '/api/v2/files',
      {
        rawBody: content,
        contentType: options.contentType ?? 'application/x-tar',
        signal: options.signal,
        retry: true,
      },
    );
    return response.hash;
  }

  /** `POST /api/v2/organizations/{org}/templateversions`: starts the import job. */
  createTemplateVersion(
    organization: CoderOrganizationRef,
    request: CoderCreateTemplateVersionRequest,
    signal?: AbortSignal,
  ): Promise<CoderTemplateVersion> {
    return this.request(
      'POST',
      `/api/v2/organizations/${encodeURIComponent(
        organization,
      )}/templateversions`,
      { body: request, signal },
    );
  }

  /** `POST /api/v2/organizations/{org}/templates` from an imported version. */
  createTemplate(
    organization: CoderOrganizationRef,
    request: CoderCreateTemplateRequest,
    signal?: AbortSignal,
  ): Promise<CoderTemplate> {
    return this.request(
      'POST',
      `/api/v2/organizations/${encodeURIComponent(organization)}/templates`,
      { body: request, signal },
    );
  }

  /** `PATCH /api/v2/templates/{id}/versions`: promotes a version to active. */
  async promoteTemplateVersion(
    templateId: string,
    versionId: string,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.request(
      'PATCH',
      `/api/v2/templates/${encodeURIComponent(templateId)}/versions`,
      { body: { id: versionId }, signal, retry: true },
    );
  }

  // ------------------------------------------------------------- plumbing

  private async request<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.auth !== false && this.sessionToken) {
      headers['Coder-Session-Token'] = this.sessionToken;
    }
    let body: BodyInit | undefined;
    if (options.rawBody) {
      headers['Content-Type'] =
        options.contentType ?? 'application/octet-stream';
      body = options.rawBody as unknown as BodyInit;
    } else if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const retry = options.retry ?? method === 'GET';
    const attempts = retry ? Math.max(1, this.options.retries ?? 3) : 1;
    const baseDelay = this.options.retryDelayMs ?? 250;

    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted();
      const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
      const signal = options.signal
        ? AbortSignal.any([options.signal, timeout])
        : timeout;
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers,
          body,
          signal,
        });
      } catch (error) {
        options.signal?.throwIfAborted();
        if (attempt < attempts) {
          await sleep(baseDelay * 2 ** (attempt - 1), options.signal);
          continue;
        }
        throw new Error(
          `Coder ${method} ${path} at ${this.baseUrl} failed: ${
            (error as Error).message
          }`,
        );
      }
      if (response.ok) {
        const text = await response.text();
        return (text ? JSON.parse(text) : undefined) as T;
      }
      if (options.allow?.includes(response.status)) {
        await response.text();
        return undefined as T;
      }
      const retryable = response.status === 429 || response.status >= 500;
      if (retryable && attempt < attempts) {
        await response.text();
        const retryAfter = Number(response.headers.get('retry-after'));
        await sleep(
          retryAfter > 0 ? retryAfter * 1000 : baseDelay * 2 ** (attempt - 1),
          options.signal,
        );
        continue;
      }
      let message = response.statusText || 'request failed';
      let detail: string | undefined;
      try {
        const parsed = JSON.parse(await response.text());
        if (parsed && typeof parsed.message === 'string') {
          message = parsed.message;
          detail =
            typeof parsed.detail === 'string' ? parsed.detail : undefined;
        }
      } catch {
        // not JSON: keep the status text
      }
      throw new CoderApiError(method, path, response.status, message, detail);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let timer: NodeJS.Timeout | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
