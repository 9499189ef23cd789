/*
 * Jest configuration for `yarn test` (unit tier) and `yarn test:integration`.
 * Backstage's own configuration builds one jest project per workspace package;
 * this wrapper only chooses which test files each tier runs:
 *   unit:        *.test.ts(x), except *.integration.test.ts
 *   integration: *.integration.test.ts, which talk to the real local servers
 *                started by `yarn peers up` (see docs/peers.md); the
 *                script gives them a generous --testTimeout.
 */
const backstageConfig = require('@backstage/cli/config/jest');

const tier = process.env.CODER_PLATFORM_TEST_TIER ?? 'unit';
const integrationPattern = '\\.integration\\.test\\.[jt]sx?$';

module.exports = (async () => {
  const config = await backstageConfig;
  const projects = (config.projects ?? [config]).map(project => {
    if (tier === 'integration') {
      return {
        ...project,
        testMatch: undefined,
        testRegex: integrationPattern,
      };
    }
    return {
      ...project,
      testPathIgnorePatterns: [
        ...(project.testPathIgnorePatterns ?? ['/node_modules/']),
        integrationPattern,
      ],
    };
  });
  return config.projects ? { ...config, projects } : projects[0];
})();
