/**
 * An in-memory stand-in for a `@google-cloud/storage` Bucket that answers the
 * calls the wal-g reader makes (`getFiles` with prefix, delimiter, startOffset,
 * maxResults and page tokens; `file().download()`; `file().save()`) with GCS's
 * ordering and paging semantics. For fast unit tests; integration tests use the
 * real GCS emulator.
 */
export class InMemoryBucket {
  readonly name: string;
  readonly #objects = new Map<string, { contents: Buffer; updated: string }>();
  /** Calls received, for asserting request counts. */
  readonly calls: { list: number; read: number } = { list: 0, read: 0 };

  constructor(name = 'in-memory') {
    this.name = name;
  }

  put(name: string, contents: string, updated = new Date().toISOString()) {
    this.#objects.set(name, { contents: Buffer.from(contents), updated });
  }

  file(name: string) {
    return {
      name,
      save: async (contents: string) => {
        this.put(name, contents);
      },
      download: async (): Promise<[Buffer]> => {
        this.calls.read += 1;
        const object = this.#objects.get(name);
        if (!object) {
          throw Object.assign(
            new Error(`No such object: ${this.name}/${name}`),
            { code: 404 },
          );
        }
        return [object.contents];
      },
    };
  }

  async getFiles(query: {
    prefix?: string;
    delimiter?: string;
    startOffset?: string;
    maxResults?: number;
    pageToken?: string;
  }): Promise<
    [unknown[], { pageToken: string } | null, { prefixes?: string[] }]
  > {
    this.calls.list += 1;
    const prefix = query.prefix ?? '';
    const from = [query.startOffset ?? '', query.pageToken ?? ''].sort().pop()!;
    const max = query.maxResults ?? 1000;
    const names = [...this.#objects.keys()]
      .filter(n => n.startsWith(prefix) && n >= from)
      .filter(
        n =>
          !query.delimiter || !n.slice(prefix.length).includes(query.delimiter),
      )
      .sort();
    const page = names.slice(0, max);
    const files = page.map(name => {
      const object = this.#objects.get(name)!;
      return {
        name,
        metadata: {
          name,
          size: String(object.contents.length),
          updated: object.updated,
          timeCreated: object.updated,
        },
      };
    });
    const next = names.length > max ? { pageToken: names[max] } : null;
    return [files, next, {}];
  }
}
