/*
 * One replica of the Coder Platform backend, as production runs it: the
 * default service implementations of backend-defaults (PostgreSQL database,
 * Redis cache store, database-backed scheduler) and the coder-platform
 * plugin. Started as its own process by the replica tests and benchmarks:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     packages/testing/src/replicas/replicaBackend.ts --config <file>
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('@coder-platform/plugin-coder-platform-backend'));
backend.start().catch(error => {
  // eslint-disable-next-line no-console
  console.error(`replica failed to start: ${error?.message ?? error}`);
  process.exit(1);
});
