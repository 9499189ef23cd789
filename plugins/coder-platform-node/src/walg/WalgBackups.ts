import { Bucket, Storage } from '@google-cloud/storage';
import type {
  PostgresBackup,
  WalArchiveStatus,
} from '@coder-platform/plugin-coder-platform-common';
import { CallOptions } from '../callOptions';
import { compareBackups } from './deltaChains';
import {
  BucketLike,
  GcsListQuery,
  ObjectStore,
  objectStoreOf,
} from './gcsObjects';
import {
  asObject,
  MetadataDto,
  parseWalgJson,
  SentinelDto,
  toBackup,
  WalgFormatError,
} from './sentinels';
import {
  formatWalSegment,
  DEFAULT_WAL_SEGMENT_SIZE,
  parseWalFileName,
  segmentFromNumber,
  segmentNumber,
  walPosition,
} from './walNames';

export { parseWalgJson, WalgFormatError } from './sentinels';

/** A backup whose sentinel or `metadata.json` could not be read or parsed. */
export interface UnreadableBackup {
  name: string;
  reason: string;
  generation?: string;
}

/** wal-g's storage folders (format version 005). */
export const WALG_BASEBACKUPS_FOLDER = 'basebackups_005';
export const WALG_WAL_FOLDER = 'wal_005';
export const WALG_SENTINEL_SUFFIX = '_backup_stop_sentinel.json';

/** How to reach the bucket. */
export interface WalgBackupsOptions {
  /** A bucket handle from the official client (or an object with its API); or give `bucketName` (and `storage`). */
  bucket?: Bucket | BucketLike;
  bucketName?: string;
  /** An existing Storage client; one is created when absent. */
  storage?: Storage;
  /** GCP project of the bucket. */
  projectId?: string;
  /** Service account key JSON; Application Default Credentials when absent. */
  credentials?: string;
  /** Another endpoint, e.g. a GCS emulator (`http://127.0.0.1:4443`). */
  apiEndpoint?: string;
  /** At most this many object reads in flight (sentinels, metadata). Default 4. */
  concurrency?: number;
  /** Page size of the first WAL listing; later probes fetch one object. Default 1000. */
  walPageSize?: number;
  /** WAL segment size of the cluster (default 16 MiB), for the probe arithmetic. */
  walSegmentSize?: number;
  /** Called once per GCS request, for accounting ("upstream calls per request"). */
  onRequest?: (operation: 'list' | 'read') => void;
}

/** A listed object: name relative to the folder listed, upload time, size, generation. */
interface ListedObject {
  name: string;
  updated: string;
  size?: number;
  generation?: string;
}

/**
 * Reads wal-g's storage layout in GCS without the wal-g binary: base backups
 * from their stop sentinels, and the newest archived WAL file by ordered range
 * probes instead of listing every WAL object.
 */
export class WalgBackups {
  readonly bucket: Bucket | BucketLike;
  readonly #objects: ObjectStore;
  readonly #concurrency: number;
  readonly #walPageSize: number;
  readonly #segmentSize: number;
  readonly #onRequest: (operation: 'list' | 'read') => void;

  constructor(options: WalgBackupsOptions) {
    if (options.bucket) {
      this.bucket = options.bucket;
    } else {
      if (!options.bucketName) {
        throw new Error('WalgBackups needs a bucket or a bucketName');
      }
      const storage =
        options.storage ??
        new Storage({
          projectId: options.projectId,
          apiEndpoint: options.apiEndpoint,
          credentials: options.credentials
            ? JSON.parse(options.credentials)
            : undefined,
        });
      this.bucket = storage.bucket(options.bucketName);
    }
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#walPageSize = Math.max(1, options.walPageSize ?? 1000);
    this.#segmentSize = options.walSegmentSize ?? DEFAULT_WAL_SEGMENT_SIZE;
    this.#onRequest = options.onRequest ?? (() => {});
    this.#objects = objectStoreOf(this.bucket, {
      onRequest: operation => this.#onRequest(operation),
    });
  }

  /** Names of the base backups under a wal-g prefix, from their stop sentinels. */
  async listSentinels(
    prefix: string,
    options: CallOptions = {},
  ): Promise<ListedObject[]> {
    const folder = `${normalizePrefix(prefix)}${WALG_BASEBACKUPS_FOLDER}/`;
    const sentinels: ListedObject[] = [];
    let pageToken: string | undefined;
    do {
      // The delimiter keeps the listing to the sentinels: the tar partitions
      // of each backup sit one level deeper.
      const page = await this.#list(
        { prefix: folder, delimiter: '/', pageToken },
        options,
      );
      for (const object of page.items) {
        if (object.name.endsWith(WALG_SENTINEL_SUFFIX)) {
          sentinels.push({
            ...object,
            name: object.name.slice(
              folder.length,
              -WALG_SENTINEL_SUFFIX.length,
            ),
          });
        }
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
    return sentinels;
  }

  /**
   * True when at least one base backup exists under the prefix: stops at the
   * first page holding a sentinel. Used to refuse creating a database over an
   * existing backup.
   */
  async hasBackups(
    prefix: string,
    options: CallOptions = {},
  ): Promise<boolean> {
    const folder = `${normalizePrefix(prefix)}${WALG_BASEBACKUPS_FOLDER}/`;
    let pageToken: string | undefined;
    do {
      const page = await this.#list(
        { prefix: folder, delimiter: '/', pageToken },
        options,
      );
      if (page.items.some(o => o.name.endsWith(WALG_SENTINEL_SUFFIX)))
        return true;
      pageToken = page.nextPageToken;
    } while (pageToken);
    return false;
  }

  /**
   * Every readable base backup under the prefix, oldest first; see
   * {@link WalgBackups.readBackups} for the unreadable ones.
   */
  async listBackups(
    prefix: string,
    options: CallOptions & { known?: PostgresBackup[] } = {},
  ): Promise<PostgresBackup[]> {
    return (await this.readBackups(prefix, options)).backups;
  }

  /**
   * Every base backup under the prefix with its sentinel and metadata, oldest
   * first. One list request per 1,000 backups, plus one read per sentinel and
   * one per `metadata.json` (skipped when the sentinel is wal-g's v2 format,
   * which carries the times itself). Sentinels and metadata never change once
   * written: backups in `known` (and `unreadable`) with the same name and
   * sentinel generation are not read again. A sentinel or metadata that
   * cannot be read or parsed lands in `unreadable` with the reason; the
   * others stand.
   */
  async readBackups(
    prefix: string,
    options: CallOptions & {
      /** Backups read before. */
      known?: PostgresBackup[];
      /** Backups found unreadable before. */
      unreadable?: UnreadableBackup[];
    } = {},
  ): Promise<{ backups: PostgresBackup[]; unreadable: UnreadableBackup[] }> {
    const root = normalizePrefix(prefix);
    const known = new Map((options.known ?? []).map(b => [b.name, b]));
    const knownUnreadable = new Map(
      (options.unreadable ?? []).map(u => [u.name, u]),
    );
    const same = (generation: string | undefined, seen: string | undefined) =>
      seen === undefined || generation === undefined || seen === generation;
    const sentinels = await this.listSentinels(prefix, options);
    const results = await mapLimit(
      sentinels,
      this.#concurrency,
      async (sentinel): Promise<PostgresBackup | UnreadableBackup> => {
        const before = known.get(sentinel.name);
        if (before && same(sentinel.generation, before.sentinelGeneration)) {
          return before;
        }
        const failed = knownUnreadable.get(sentinel.name);
        if (
          failed &&
          failed.generation !== undefined &&
          failed.generation === sentinel.generation
        ) {
          return failed;
        }
        try {
          return await this.#readBackup(root, sentinel, options);
        } catch (error) {
          if (options.signal?.aborted || isTransient(error)) throw error;
          return {
            name: sentinel.name,
            reason: (error as Error).message,
            generation: sentinel.generation,
          };
        }
      },
    );
    const backups: PostgresBackup[] = [];
    const unreadable: UnreadableBackup[] = [];
    for (const result of results) {
      if ('reason' in result) unreadable.push(result);
      else backups.push(result);
    }
    return { backups: backups.sort(compareBackups), unreadable };
  }

  async #readBackup(
    root: string,
    sentinel: ListedObject,
    options: CallOptions,
  ): Promise<PostgresBackup> {
    const base = `${root}${WALG_BASEBACKUPS_FOLDER}/${sentinel.name}`;
    let dto: SentinelDto;
    try {
      dto = asObject(
        parseWalgJson(
          await this.#objects.read(`${base}${WALG_SENTINEL_SUFFIX}`, options),
        ),
      ) as SentinelDto;
    } catch (error) {
      throw prefixed('sentinel', error);
    }
    let meta: MetadataDto | undefined;
    if (!dto.StartTime) {
      try {
        meta = asObject(
          parseWalgJson(
            await this.#objects.read(`${base}/metadata.json`, options),
          ),
        ) as MetadataDto;
      } catch (error) {
        if ((error as { code?: number }).code !== 404) {
          throw prefixed('metadata.json', error);
        }
      }
    }
    try {
      return toBackup(sentinel, dto, meta);
    } catch (error) {
      throw prefixed(meta ? 'sentinel or metadata.json' : 'sentinel', error);
    }
  }

  /**
   * Finds the newest WAL file under `wal_005/` without listing every object.
   *
   * 1. One listing of up to `walPageSize` objects starting at `fromSegment`
   *    (the latest backup's start segment): with a daily backup this usually
   *    holds every WAL file since, and the answer.
   * 2. Otherwise: skip to the highest timeline with one-object probes
   *    (`startOffset` = next timeline), then gallop and bisect over segment
   *    positions on it. Each probe asks "what is the first object at or after
   *    this name?", which is monotonic, so ~2·log2(n) probes suffice.
   */
  async findNewestWal(
    prefix: string,
    options: CallOptions & { fromSegment?: string; now?: Date } = {},
  ): Promise<WalArchiveStatus> {
    const folder = `${normalizePrefix(prefix)}${WALG_WAL_FOLDER}/`;
    let requests = 0;
    const probe = async (from: string, max: number) => {
      requests += 1;
      const page = await this.#list(
        { prefix: folder, startOffset: `${folder}${from}`, maxResults: max },
        options,
      );
      return {
        items: page.items.map(o => ({
          ...o,
          name: o.name.slice(folder.length),
        })),
        more: Boolean(page.nextPageToken),
      };
    };
    const first = await probe(options.fromSegment ?? '', this.#walPageSize);
    let newest: ListedObject | undefined;
    let highestTimeline: number | undefined;
    if (!first.more) {
      ({ newest, highestTimeline } = pickNewest(first.items));
    } else {
      const start = [...first.items]
        .reverse()
        .find(o => parseWalFileName(o.name));
      if (!start) {
        throw new Error(
          `No WAL file names among ${first.items.length} objects under ${folder}`,
        );
      }
      ({ newest, highestTimeline } = await this.#gallop(
        start,
        async from => (await probe(from, 1)).items[0],
        async from => (await probe(from, this.#walPageSize)).items,
      ));
    }
    return walStatus(
      newest,
      highestTimeline,
      requests,
      options.now ?? new Date(),
    );
  }

  async #gallop(
    start: ListedObject,
    firstAtOrAfter: (name: string) => Promise<ListedObject | undefined>,
    listFrom: (name: string) => Promise<ListedObject[]>,
  ): Promise<{ newest?: ListedObject; highestTimeline?: number }> {
    let current = start;
    let parsed = parseWalFileName(current.name);
    if (!parsed) {
      throw new Error(
        `Unexpected object "${current.name}" under ${WALG_WAL_FOLDER}/`,
      );
    }
    // Jump to the highest timeline.
    for (;;) {
      const next = await firstAtOrAfter(hexTimeline(parsed.timeline + 1));
      const nextParsed = next && parseWalFileName(next.name);
      if (!next || !nextParsed) break;
      current = next;
      parsed = nextParsed;
    }
    const timeline = parsed.timeline;
    const size = this.#segmentSize;
    const numberOf = (p: ReturnType<typeof parseWalFileName>) =>
      p?.segment && p.timeline === timeline
        ? segmentNumber(p.segment, size)
        : undefined;
    const at = (segNo: number) =>
      formatWalSegment(segmentFromNumber(timeline, segNo, size));
    let lo: number;
    if (parsed.segment) {
      lo = segmentNumber(parsed.segment, size);
    } else {
      const firstSegment = await firstAtOrAfter(at(0));
      const firstNumber =
        firstSegment && numberOf(parseWalFileName(firstSegment.name));
      if (firstNumber === undefined) {
        return { newest: undefined, highestTimeline: timeline };
      }
      lo = firstNumber;
    }
    // Invariant: some object sits at or after segment lo; gallop to an hi with none.
    let step = 1;
    let hi: number;
    for (;;) {
      const found = await firstAtOrAfter(at(lo + step));
      const foundNumber = found && numberOf(parseWalFileName(found.name));
      if (foundNumber === undefined) {
        hi = lo + step;
        break;
      }
      lo = foundNumber;
      step *= 2;
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const found = await firstAtOrAfter(at(mid));
      const foundNumber = found && numberOf(parseWalFileName(found.name));
      if (foundNumber === undefined) hi = mid;
      else lo = foundNumber;
    }
    // Everything from position lo on is that one segment (its file, a .partial, a backup label).
    const tail = await listFrom(at(lo));
    return pickNewest(tail);
  }

  async #list(
    query: GcsListQuery,
    options: CallOptions,
  ): Promise<{ items: ListedObject[]; nextPageToken?: string }> {
    const page = await this.#objects.list(
      { ...query, maxResults: query.maxResults ?? 1000 },
      options,
    );
    return { items: page.items, nextPageToken: page.nextPageToken };
  }
}

/** 429, 5xx, network: the storage failed, not the object (the call fails, the view goes stale). */
function isTransient(error: unknown): boolean {
  if (error instanceof WalgFormatError) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') return code === 429 || code >= 500;
  return true;
}

/** The error with what was being read in front; keeps its kind and status. */
function prefixed(what: string, error: unknown): Error {
  const message = `${what}: ${(error as Error).message ?? String(error)}`;
  if (error instanceof SyntaxError || error instanceof WalgFormatError) {
    return new WalgFormatError(message);
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number')
    return Object.assign(new Error(message), { code });
  return error as Error;
}

function hexTimeline(timeline: number): string {
  return timeline.toString(16).toUpperCase().padStart(8, '0');
}

/** The newest WAL file in a listing: highest timeline, then highest position; complete segments win over partial ones. */
function pickNewest(items: ListedObject[]): {
  newest?: ListedObject;
  highestTimeline?: number;
} {
  let newest: ListedObject | undefined;
  let newestKey: [number, bigint, number] | undefined;
  let highestTimeline: number | undefined;
  for (const item of items) {
    const parsed = parseWalFileName(item.name);
    if (!parsed) continue;
    highestTimeline = Math.max(highestTimeline ?? 0, parsed.timeline);
    if (
      !parsed.segment ||
      (parsed.kind !== 'segment' && parsed.kind !== 'partial')
    )
      continue;
    const key: [number, bigint, number] = [
      parsed.timeline,
      walPosition(parsed.segment),
      parsed.kind === 'segment' ? 1 : 0,
    ];
    if (!newestKey || compareKeys(key, newestKey) > 0) {
      newest = item;
      newestKey = key;
    }
  }
  return { newest, highestTimeline };
}

function compareKeys(
  a: [number, bigint, number],
  b: [number, bigint, number],
): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[2] - b[2];
}

function walStatus(
  newest: ListedObject | undefined,
  highestTimeline: number | undefined,
  listRequests: number,
  now: Date,
): WalArchiveStatus {
  if (!newest) return { highestTimeline, listRequests };
  const parsed = parseWalFileName(newest.name)!;
  const uploaded = Date.parse(newest.updated);
  return {
    newestFile: newest.name,
    newestSegment: formatWalSegment(parsed.segment!),
    timeline: parsed.timeline,
    newestUploadedAt: Number.isNaN(uploaded)
      ? undefined
      : new Date(uploaded).toISOString(),
    lagSeconds: Number.isNaN(uploaded)
      ? undefined
      : Math.max(0, Math.round((now.getTime() - uploaded) / 1000)),
    highestTimeline,
    listRequests,
  };
}

/** `spilo/x/wal/14`, `/spilo/x/wal/14/` → `spilo/x/wal/14/`; empty stays empty. */
export function normalizePrefix(prefix: string): string {
  if (/^gs:\/\//.test(prefix)) {
    throw new Error(
      `wal-g prefix "${prefix}" must be an object prefix inside the bucket, not a gs:// URL`,
    );
  }
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed ? `${trimmed}/` : '';
}

/** Runs `fn` over `items` with at most `limit` in flight; keeps the order. */
async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}
