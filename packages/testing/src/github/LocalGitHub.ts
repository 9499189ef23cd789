import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One recorded GitHub REST call, for assertions. */
export interface GitHubCall {
  method: string;
  path: string;
  body?: any;
}

/*
 * A local stand-in for a GitHub host, so the real `publish:github` action and
 * the catalog's real GitHub URL reader can run here. The git side is real:
 * repositories are bare repositories served by `git http-backend` (git's own
 * smart-HTTP server, run as CGI), so a push is a real push. The REST side is
 * the handful of GitHub API v3 calls those two clients make, with the
 * response shapes of GitHub's REST reference: `GET /users/{name}`,
 * `POST /orgs/{org}/repos`, `POST /user/repos`, `GET /repos/{o}/{r}`,
 * `PUT .../branches/{b}/protection`, and `GET .../contents/{path}?ref=`
 * (raw media type) answered from the bare repository with `git show`.
 */
export class LocalGitHub {
  readonly calls: GitHubCall[] = [];
  /** Basic-auth passwords git clients pushed with. */
  readonly pushPasswords: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly root: string,
    readonly token: string,
    private readonly orgs: Set<string>,
  ) {}

  /** `127.0.0.1:<port>`: the integration host and the repoUrl host. */
  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** `integrations.github[]` entry for app-config. */
  integration() {
    return {
      host: this.host,
      apiBaseUrl: `http://${this.host}/api/v3`,
      token: this.token,
    };
  }

  static async start(
    options: { token?: string; orgs?: string[] } = {},
  ): Promise<LocalGitHub> {
    const root = await mkdtemp(join(tmpdir(), 'local-github-'));
    const holder: { self?: LocalGitHub } = {};
    const server = createServer((req, res) => {
      holder.self!.handle(req, res).catch(error => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: String(error?.message ?? error) }));
      });
    });
    await new Promise<void>(resolve =>
      server.listen(0, '127.0.0.1', () => resolve()),
    );
    const self = new LocalGitHub(
      server,
      root,
      options.token ?? 'ghp_localtoken0000',
      new Set(options.orgs ?? []),
    );
    holder.self = self;
    return self;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
    await rm(this.root, { recursive: true, force: true });
  }

  /** Path of the bare repository `owner/repo` (it may not exist). */
  repoDir(owner: string, repo: string): string {
    return join(this.root, owner, `${repo}.git`);
  }

  /** `git <args>` in the bare repository owner/repo. */
  async git(owner: string, repo: string, ...args: string[]): Promise<string> {
    const { stdout } = await run(
      'git',
      ['--git-dir', this.repoDir(owner, repo), ...args],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    return stdout;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    if (url.pathname.startsWith('/api/v3/')) {
      await this.api(req, res, url);
      return;
    }
    if (/^\/[^/]+\/[^/]+\.git\//.test(url.pathname)) {
      this.gitHttp(req, res, url);
      return;
    }
    res.writeHead(404).end();
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    if (header === `token ${this.token}` || header === `Bearer ${this.token}`) {
      return true;
    }
    if (header.startsWith('Basic ')) {
      const [, password] = Buffer.from(header.slice(6), 'base64')
        .toString()
        .split(':');
      return password === this.token;
    }
    return false;
  }

  private async api(req: IncomingMessage, res: ServerResponse, url: URL) {
    const path = url.pathname.slice('/api/v3'.length);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length
      ? JSON.parse(Buffer.concat(chunks).toString())
      : undefined;
    this.calls.push({ method: req.method!, path, body });
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (!this.authorized(req)) {
      json(401, { message: 'Bad credentials' });
      return;
    }
    const route = (method: string, re: RegExp): string[] | undefined =>
      req.method === method
        ? re.exec(path)?.slice(1).map(decodeURIComponent)
        : undefined;
    const user = route('GET', /^\/users\/([^/]+)$/);
    if (user) {
      const [login] = user;
      json(200, {
        login,
        id: 1,
        type: this.orgs.has(login) ? 'Organization' : 'User',
      });
      return;
    }
    const create =
      route('POST', /^\/orgs\/([^/]+)\/repos$/) ??
      (route('POST', /^\/user\/repos$/) && ['local-user']);
    if (create) {
      const [owner] = create;
      const name: string = body?.name;
      if (!/^[A-Za-z0-9_.-]+$/.test(name ?? '')) {
        json(422, { message: 'Validation Failed' });
        return;
      }
      const dir = this.repoDir(owner, name);
      const exists = await run('git', ['--git-dir', dir, 'rev-parse']).then(
        () => true,
        () => false,
      );
      if (exists) {
        json(422, {
          message:
            'Repository creation failed: name already exists on this account',
        });
        return;
      }
      await run('git', ['init', '--bare', '--quiet', dir]);
      await run('git', [
        '--git-dir',
        dir,
        'config',
        'http.receivepack',
        'true',
      ]);
      json(201, this.repoJson(owner, name, body));
      return;
    }
    if (
      route('PUT', /^\/repos\/([^/]+)\/([^/]+)\/branches\/([^/]+)\/protection$/)
    ) {
      json(200, { url: `http://${this.host}/api/v3${path}` });
      return;
    }
    const contents = route(
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/,
    );
    if (contents) {
      const [owner, repo, file] = contents;
      const ref = url.searchParams.get('ref') ?? 'HEAD';
      const content = await this.git(
        owner,
        repo,
        'show',
        `${ref}:${file}`,
      ).catch(() => undefined);
      if (content === undefined) {
        json(404, { message: 'Not Found' });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/vnd.github.raw' });
      res.end(content);
      return;
    }
    const repoItem = route('GET', /^\/repos\/([^/]+)\/([^/]+)$/);
    if (repoItem) {
      const [owner, repo] = repoItem;
      const exists = await this.git(owner, repo, 'rev-parse').then(
        () => true,
        () => false,
      );
      if (!exists) json(404, { message: 'Not Found' });
      else json(200, this.repoJson(owner, repo, {}));
      return;
    }
    json(404, { message: 'Not Found' });
  }

  private repoJson(owner: string, name: string, body: any) {
    return {
      id: 1,
      name,
      full_name: `${owner}/${name}`,
      private: Boolean(body?.private),
      visibility: body?.private ? 'private' : 'public',
      description: body?.description ?? null,
      owner: {
        login: owner,
        type: this.orgs.has(owner) ? 'Organization' : 'User',
      },
      html_url: `http://${this.host}/${owner}/${name}`,
      clone_url: `http://${this.host}/${owner}/${name}.git`,
      default_branch: 'main',
    };
  }

  /** Smart HTTP through `git http-backend` (CGI); pushes need the token. */
  private gitHttp(req: IncomingMessage, res: ServerResponse, url: URL) {
    const push =
      url.searchParams.get('service') === 'git-receive-pack' ||
      url.pathname.endsWith('/git-receive-pack');
    if (push) {
      if (!this.authorized(req)) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' });
        res.end();
        return;
      }
      const header = req.headers.authorization ?? '';
      if (header.startsWith('Basic ')) {
        this.pushPasswords.push(
          Buffer.from(header.slice(6), 'base64').toString().split(':')[1],
        );
      }
    }
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: this.root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method,
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
        REMOTE_USER: push ? 'x-access-token' : '',
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(child.stdin);
    let buffer = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of buffer.subarray(0, end).toString().split('\r\n')) {
        const colon = line.indexOf(':');
        const key = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (key.toLowerCase() === 'status') status = parseInt(value, 10);
        else headers[key] = value;
      }
      res.writeHead(status, headers);
      res.write(buffer.subarray(end + 4));
    });
    child.on('close', () => {
      if (!headersDone) res.writeHead(500);
      res.end();
    });
  }
}
