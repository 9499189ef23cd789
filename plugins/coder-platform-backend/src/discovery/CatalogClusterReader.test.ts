import { mockServices } from '@backstage/backend-test-utils';
import { CatalogClusterReader } from './CatalogClusterReader';

const entity = (name: string) => ({
  kind: 'Resource',
  metadata: { name },
  spec: { type: 'coder-cluster' },
});

describe('CatalogClusterReader', () => {
  function reader(pages: Array<{ status?: number; body?: unknown }>) {
    const urls: string[] = [];
    const headers: string[] = [];
    const fetch = (async (url: string, init?: RequestInit) => {
      urls.push(url);
      headers.push(String((init?.headers as any)?.Authorization));
      const page = pages.shift()!;
      return new Response(JSON.stringify(page.body ?? {}), {
        status: page.status ?? 200,
      });
    }) as unknown as typeof globalThis.fetch;
    return {
      urls,
      headers,
      reader: new CatalogClusterReader({
        discovery: mockServices.discovery(),
        auth: mockServices.auth({ pluginId: 'coder-platform' }),
        fetch,
      }),
    };
  }

  it('queries coder-cluster Resources with the plugin credentials and follows the cursor', async () => {
    const {
      reader: r,
      urls,
      headers,
    } = reader([
      { body: { items: [entity('a')], pageInfo: { nextCursor: 'c2' } } },
      { body: { items: [entity('b')], pageInfo: {} } },
    ]);
    const entities = await r.read();
    expect(entities.map(e => e.metadata.name)).toEqual(['a', 'b']);
    const first = new URL(urls[0]);
    expect(first.pathname).toBe('/api/catalog/entities/by-query');
    expect(first.searchParams.getAll('filter')).toEqual([
      'kind=resource,spec.type=coder-cluster',
    ]);
    const second = new URL(urls[1]);
    expect(second.searchParams.get('cursor')).toBe('c2');
    expect(second.searchParams.has('filter')).toBe(false);
    expect(headers.every(h => h.startsWith('Bearer '))).toBe(true);
  });

  it('names the catalog and the status when the catalog refuses', async () => {
    const { reader: r } = reader([{ status: 403 }]);
    await expect(r.read()).rejects.toThrow(
      /the catalog answered HTTP 403 to the coder-cluster query .*\/api\/catalog\/entities\/by-query/,
    );
  });
});
