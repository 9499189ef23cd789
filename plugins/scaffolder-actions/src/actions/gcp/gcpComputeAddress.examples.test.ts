import { GcpContractServer } from '@coder-platform/testing';
import { createGcpComputeAddressAction } from './gcpComputeAddress';
import { examples } from './gcpComputeAddress.examples';
import {
  actionOptions,
  exampleInputs,
  mockContext,
  startGcp,
} from './__testUtils__/harness';

// The official clients load their (large) protos when created; allow for it.
jest.setTimeout(30_000);
describe('gcp:compute:address examples', () => {
  let gcp: GcpContractServer;
  beforeAll(async () => {
    gcp = await startGcp(1);
  });
  afterAll(() => gcp.stop());

  it.each(examples.map(e => [e.description, e.example]))(
    'runs: %s',
    async (_description, example) => {
      const action = createGcpComputeAddressAction(actionOptions(gcp));
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
