import { renderInTestApp, mockApis } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { CoderPlatformApi, coderPlatformApiRef } from '../api';

type PermissionOptions = NonNullable<Parameters<typeof mockApis.permission>[0]>;

/** `AuthorizeResult.ALLOW` / `DENY`, without depending on permission-common here. */
function decision(allow: boolean): PermissionOptions['authorize'] {
  return (allow
    ? 'ALLOW'
    : 'DENY') as unknown as PermissionOptions['authorize'];
}

/** Renders `element` in a test app with a partial Coder Platform API and a permission API. */
export function renderWithApi(
  element: JSX.Element,
  api: Partial<CoderPlatformApi>,
  options: {
    allow?: boolean;
    extraApis?: readonly [any, any][];
    /** Paths to mount route refs on, e.g. `{ '/coder-platform': rootRouteRef }`. */
    mountedRoutes?: Record<string, any>;
    mountPath?: string;
    initialRouteEntries?: string[];
  } = {},
) {
  return renderInTestApp(element, {
    apis: [
      [coderPlatformApiRef, api],
      [
        permissionApiRef,
        mockApis.permission({ authorize: decision(options.allow !== false) }),
      ],
      ...(options.extraApis ?? []),
      // An empty catalog unless the test brings its own.
      ...(options.extraApis?.some(([ref]) => ref === catalogApiRef)
        ? []
        : [[catalogApiRef, catalogApiMock()] as const]),
    ] as const,
    mountedRoutes: options.mountedRoutes,
    mountPath: options.mountPath,
    initialRouteEntries: options.initialRouteEntries,
  });
}

/** A promise that never settles: the view stays loading. */
export function pending<T>(): Promise<T> {
  return new Promise<T>(() => {});
}
