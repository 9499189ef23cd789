import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Coder Platform page. */
export const rootRouteRef = createRouteRef();
