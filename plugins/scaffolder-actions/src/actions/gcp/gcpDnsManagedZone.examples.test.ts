import { GcpContractServer } from '@coder-platform/testing';
import { createGcpDnsManagedZoneAction } from './gcpDnsManagedZone';
import { examples } from './gcpDnsManagedZone.examples';
import {
  actionOptions,
  exampleInputs,
  mockContext,
  startGcp,
} from './__testUtils__/harness';

// Cloud DNS's client (via @google-cloud/common) sends requests with
// teeny-request 10, which loads node-fetch with a dynamic import() that jest
// cannot run. Give it teeny-request 11 (same API) whose node:http transport
// startGcp() selects. Test-only; production code is unchanged.
jest.mock('@google-cloud/common/node_modules/teeny-request', () => {
  const { join } = jest.requireActual('node:path');
  const storageMain: string = require.resolve('@google-cloud/storage');
  const storageRoot = storageMain.slice(0, storageMain.lastIndexOf('/build/'));
  return jest.requireActual(join(storageRoot, 'node_modules', 'teeny-request'));
});

// The official clients load their (large) protos when created; allow for it.
jest.setTimeout(30_000);
describe('gcp:dns:managed-zone examples', () => {
  let gcp: GcpContractServer;
  beforeAll(async () => {
    gcp = await startGcp(1);
  });
  afterAll(() => gcp.stop());

  it.each(examples.map(e => [e.description, e.example]))(
    'runs: %s',
    async (_description, example) => {
      const action = createGcpDnsManagedZoneAction(actionOptions(gcp));
      const inputs = exampleInputs(action.id, example);
      expect(inputs.length).toBeGreaterThan(0);
      for (const input of inputs) {
        const { ctx } = mockContext(input);
        await action.handler(ctx);
        expect(ctx.output).toHaveBeenCalledWith('projectId', input.projectId);
      }
    },
  );
});
