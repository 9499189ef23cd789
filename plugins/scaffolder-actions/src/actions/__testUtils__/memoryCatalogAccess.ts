import type {
  CatalogAccess,
  CatalogEntity,
  CatalogLocation,
  CatalogRequestOptions,
} from '../catalog';

/**
 * An in-memory {@link CatalogAccess} for the property and secrets tests of
 * the catalog and workspace actions: entities by `kind:namespace/name`, each
 * optionally registered by a location (its origin annotation names it), and
 * every call recorded with the credentials it was made with. With `failure`
 * set, every call (or those in `failing`) throws it (a failing catalog). The real catalog is covered
 * by packages/testing/src/catalog/catalogUnregister.test.ts.
 */
export class MemoryCatalogAccess implements CatalogAccess {
  readonly calls: Array<{
    method: keyof CatalogAccess;
    arg: unknown;
    options: CatalogRequestOptions;
  }> = [];
  failure?: Error;
  /** With `failure`: the calls that fail (all when unset). */
  failing?: Array<keyof CatalogAccess>;
  readonly #entities = new Map<string, CatalogEntity>();
  readonly #locations = new Map<string, CatalogLocation>();

  static refOf(e: CatalogEntity): string {
    return `${e.kind.toLowerCase()}:${e.metadata.namespace ?? 'default'}/${
      e.metadata.name
    }`;
  }

  /** Adds an entity; with `location`, that location registered it. */
  add(entity: CatalogEntity, location?: CatalogLocation): this {
    const annotations = { ...entity.metadata.annotations };
    if (location) {
      annotations[
        'backstage.io/managed-by-origin-location'
      ] = `${location.type}:${location.target}`;
      this.#locations.set(location.id, location);
    }
    this.#entities.set(MemoryCatalogAccess.refOf(entity), {
      ...entity,
      metadata: {
        uid: `uid-${entity.metadata.name}`,
        ...entity.metadata,
        annotations,
      },
    });
    return this;
  }

  /** Calls that would change the catalog. */
  writes() {
    return this.calls.filter(c => c.method.startsWith('remove'));
  }

  #record(method: keyof CatalogAccess, arg: unknown, o: CatalogRequestOptions) {
    this.calls.push({ method, arg, options: o });
    if (this.failure && (!this.failing || this.failing.includes(method)))
      throw this.failure;
  }

  async getEntityByRef(ref: string, o: CatalogRequestOptions) {
    this.#record('getEntityByRef', ref, o);
    return this.#entities.get(ref);
  }

  async getLocationByEntity(ref: string, o: CatalogRequestOptions) {
    this.#record('getLocationByEntity', ref, o);
    const origin =
      this.#entities.get(ref)?.metadata.annotations?.[
        'backstage.io/managed-by-origin-location'
      ];
    return [...this.#locations.values()].find(
      l => `${l.type}:${l.target}` === origin,
    );
  }

  async getEntities(
    request: { filter: Record<string, string> },
    o: CatalogRequestOptions,
  ) {
    this.#record('getEntities', request, o);
    const [[key, value]] = Object.entries(request.filter);
    const name = key.replace(/^metadata\.annotations\./, '');
    return {
      items: [...this.#entities.values()].filter(
        e => e.metadata.annotations?.[name] === value,
      ),
    };
  }

  async removeLocationById(id: string, o: CatalogRequestOptions) {
    this.#record('removeLocationById', id, o);
    const location = this.#locations.get(id);
    this.#locations.delete(id);
    if (!location) return;
    for (const [ref, e] of this.#entities) {
      if (
        e.metadata.annotations?.['backstage.io/managed-by-origin-location'] ===
        `${location.type}:${location.target}`
      )
        this.#entities.delete(ref);
    }
  }

  async removeEntityByUid(uid: string, o: CatalogRequestOptions) {
    this.#record('removeEntityByUid', uid, o);
    for (const [ref, e] of this.#entities)
      if (e.metadata.uid === uid) this.#entities.delete(ref);
  }
}
