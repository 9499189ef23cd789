import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { CoderPlatformClient, coderPlatformApiRef } from '../api';

/** The client for `/api/coder-platform`. */
export const coderPlatformApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: coderPlatformApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new CoderPlatformClient(deps),
    }),
});
