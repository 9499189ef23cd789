import type { Bucket } from '@google-cloud/storage';
import { CallOptions, gateOf, isAbortError } from '../callOptions';

/** A listed object: full name, upload time, size, generation. */
export interface GcsObject {
  name: string;
  updated: string;
  size?: number;
  /** Changes whenever the object is rewritten: name + generation identify its content. */
  generation?: string;
}

export interface GcsListQuery {
  prefix: string;
  delimiter?: string;
  pageToken?: string;
  startOffset?: string;
  maxResults?: number;
}

export interface GcsListPage {
  items: GcsObject[];
  /** Folder prefixes (with a delimiter). */
  prefixes: string[];
  nextPageToken?: string;
}

/** Lists and reads objects of one bucket. */
export interface ObjectStore {
  readonly bucketName: string;
  list(query: GcsListQuery, options?: CallOptions): Promise<GcsListPage>;
  /** The object's content as text; an error with `code` 404 when absent. */
  read(name: string, options?: CallOptions): Promise<string>;
}

/** The part of a Bucket (official client or a stand-in) the generic store uses. */
export interface BucketLike {
  name: string;
  getFiles(query: Record<string, unknown>): Promise<unknown[]>;
  file(name: string): { download(): Promise<[Buffer]> };
}

/** A GCS request that failed with an HTTP status. */
export class GcsRequestError extends Error {
  readonly name = 'GcsRequestError';
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

/**
 * Lists and reads objects of one bucket over the JSON API, with an abort
 * signal per request.
 *
 * Endpoint, credentials and the emulator rule (no authentication on a custom
 * endpoint unless `useAuthWithCustomEndpoint`) come from the official
 * `@google-cloud/storage` client the bucket belongs to. Its own requests
 * cannot be aborted: it sends them through teeny-request, which passes no
 * signal to node-fetch 3 and whose `timeout` node-fetch 3 ignores, so a hanging
 * listing would hold its limiter slot for as long as GCS keeps it open.
 * No retries here: a failed read fails the call, the caller serves the last
 * good view and backs off.
 */
export class GcsObjects implements ObjectStore {
  readonly bucket: Bucket;
  readonly #onRequest: (operation: 'list' | 'read') => void;

  constructor(
    bucket: Bucket,
    options: { onRequest?: (operation: 'list' | 'read') => void } = {},
  ) {
    this.bucket = bucket;
    this.#onRequest = options.onRequest ?? (() => {});
  }

  get bucketName(): string {
    return this.bucket.name;
  }

  get #base(): string {
    const endpoint = this.bucket.storage.apiEndpoint.replace(/\/+$/, '');
    return `${endpoint}/storage/v1/b/${encodeURIComponent(this.bucket.name)}/o`;
  }

  async list(query: GcsListQuery, options: CallOptions = {}) {
    const params = new URLSearchParams({
      prefix: query.prefix,
      maxResults: String(query.maxResults ?? 1000),
      fields:
        'items(name,updated,timeCreated,size,generation),prefixes,nextPageToken',
    });
    if (query.delimiter) params.set('delimiter', query.delimiter);
    if (query.pageToken) params.set('pageToken', query.pageToken);
    if (query.startOffset) params.set('startOffset', query.startOffset);
    const body = (await this.#get(
      'list',
      `${this.#base}?${params}`,
      `listing gs://${this.bucket.name}/${query.prefix}`,
      options,
      response => response.json(),
    )) as {
      items?: Array<{
        name: string;
        updated?: string;
        timeCreated?: string;
        size?: string;
        generation?: string;
      }>;
      prefixes?: string[];
      nextPageToken?: string;
    };
    const page: GcsListPage = {
      items: (body.items ?? []).map(item => ({
        name: item.name,
        updated: item.updated ?? item.timeCreated ?? '',
        size: item.size === undefined ? undefined : Number(item.size),
        generation: item.generation,
      })),
      prefixes: body.prefixes ?? [],
    };
    if (body.nextPageToken) page.nextPageToken = body.nextPageToken;
    return page;
  }

  /** The object's content as text; a {@link GcsRequestError} with code 404 when absent. */
  async read(name: string, options: CallOptions = {}): Promise<string> {
    return this.#get(
      'read',
      `${this.#base}/${encodeURIComponent(name)}?alt=media`,
      `reading gs://${this.bucket.name}/${name}`,
      options,
      response => response.text(),
    );
  }

  async #headers(url: string): Promise<Record<string, string>> {
    const storage = this.bucket.storage;
    if (storage.customEndpoint && !storage.useAuthWithCustomEndpoint) {
      return {};
    }
    const headers = await storage.authClient.getRequestHeaders(url);
    return Object.fromEntries(new Headers(headers as HeadersInit).entries());
  }

  #get<T>(
    operation: 'list' | 'read',
    url: string,
    what: string,
    options: CallOptions,
    parse: (response: Response) => Promise<T>,
  ): Promise<T> {
    return gateOf(options)(`gcs.${operation}`, async signal => {
      signal?.throwIfAborted();
      this.#onRequest(operation);
      let response: Response;
      try {
        response = await fetch(url, {
          headers: await this.#headers(url),
          signal,
        });
      } catch (error) {
        if (isAbortError(error) || signal?.aborted) {
          throw signal?.reason ?? error;
        }
        const code = (error as { cause?: { code?: string } }).cause?.code;
        throw new Error(
          `GCS ${what} failed: ${code ?? (error as Error).message}; check ${
            this.bucket.storage.apiEndpoint
          } is reachable from the backend`,
        );
      }
      if (!response.ok) {
        const text = await response.text().catch(() => '');
        throw new GcsRequestError(
          `GCS ${what} failed (HTTP ${response.status})${reason(text)}${hint(
            response.status,
          )}`,
          response.status,
        );
      }
      return parse(response);
    });
  }
}

/** GCS's own one-line reason (`error.message` of its JSON), never the raw body. */
function reason(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } })
      .error?.message;
    if (typeof message === 'string' && message.length <= 300) {
      return `: ${message.split('\n')[0]}`;
    }
  } catch {
    // not JSON
  }
  return '';
}

function hint(status: number): string {
  if (status === 401 || status === 403) {
    return '; check that the backend identity may list and read objects (roles/storage.objectViewer) in this bucket';
  }
  if (status === 404) return '';
  if (status === 429 || status >= 500) {
    return '; GCS is failing or throttling, the next refresh tries again';
  }
  return '';
}

/** Any object with the Bucket API; the signal is checked before each request. */
export class BucketApiObjects implements ObjectStore {
  readonly #bucket: BucketLike;
  readonly #onRequest: (operation: 'list' | 'read') => void;

  constructor(
    bucket: BucketLike,
    options: { onRequest?: (operation: 'list' | 'read') => void } = {},
  ) {
    this.#bucket = bucket;
    this.#onRequest = options.onRequest ?? (() => {});
  }

  get bucketName(): string {
    return this.#bucket.name;
  }

  list(query: GcsListQuery, options: CallOptions = {}): Promise<GcsListPage> {
    return gateOf(options)('gcs.list', async signal => {
      signal?.throwIfAborted();
      this.#onRequest('list');
      const [files, next, response] = (await this.#bucket.getFiles({
        prefix: query.prefix,
        delimiter: query.delimiter,
        pageToken: query.pageToken,
        startOffset: query.startOffset,
        maxResults: query.maxResults ?? 1000,
        autoPaginate: false,
      })) as [
        Array<{
          name: string;
          metadata: {
            updated?: string;
            timeCreated?: string;
            size?: string | number;
            generation?: string | number;
          };
        }>,
        { pageToken?: string } | null | undefined,
        { prefixes?: string[] } | undefined,
      ];
      const page: GcsListPage = {
        items: files.map(file => ({
          name: file.name,
          updated: String(
            file.metadata.updated ?? file.metadata.timeCreated ?? '',
          ),
          size:
            file.metadata.size === undefined
              ? undefined
              : Number(file.metadata.size),
          generation:
            file.metadata.generation === undefined
              ? undefined
              : String(file.metadata.generation),
        })),
        prefixes: response?.prefixes ?? [],
      };
      if (next?.pageToken) page.nextPageToken = next.pageToken;
      return page;
    });
  }

  read(name: string, options: CallOptions = {}): Promise<string> {
    return gateOf(options)('gcs.read', async signal => {
      signal?.throwIfAborted();
      this.#onRequest('read');
      const [contents] = await this.#bucket.file(name).download();
      return contents.toString('utf8');
    });
  }
}

/**
 * The store for a bucket: a Bucket of the official client is read over the
 * JSON API with per-request abort ({@link GcsObjects}); any other object with
 * the Bucket API (`getFiles`, `file().download()`) through that API, checking
 * the signal before each request.
 */
export function objectStoreOf(
  bucket: Bucket | BucketLike,
  options: { onRequest?: (operation: 'list' | 'read') => void } = {},
): ObjectStore {
  const storage = (bucket as Partial<Bucket>).storage;
  if (typeof storage?.apiEndpoint === 'string' && storage.authClient) {
    return new GcsObjects(bucket as Bucket, options);
  }
  return new BucketApiObjects(bucket as BucketLike, options);
}
