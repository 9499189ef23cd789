import { BackstageCredentials } from '@backstage/backend-plugin-api';

/** Request options of every catalog call: whose credentials it is made with. */
export type CatalogRequestOptions = { credentials: BackstageCredentials };

/** The parts of a catalog entity the catalog actions read. */
export type CatalogEntity = {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
};

/** A registered location of the catalog. */
export type CatalogLocation = { id: string; type: string; target: string };

/**
 * The catalog calls the catalog actions make: the methods of `CatalogService`
 * (`catalogServiceRef` of `@backstage/plugin-catalog-node`, which the module
 * passes in) with the same names and signatures, declared here so this
 * folder's types do not depend on that package.
 */
export interface CatalogAccess {
  getEntityByRef(
    entityRef: string,
    options: CatalogRequestOptions,
  ): Promise<CatalogEntity | undefined>;
  getLocationByEntity(
    entityRef: string,
    options: CatalogRequestOptions,
  ): Promise<CatalogLocation | undefined>;
  getEntities(
    request: { filter: Record<string, string>; fields?: string[] },
    options: CatalogRequestOptions,
  ): Promise<{ items: CatalogEntity[] }>;
  removeLocationById(id: string, options: CatalogRequestOptions): Promise<void>;
  removeEntityByUid(uid: string, options: CatalogRequestOptions): Promise<void>;
}
