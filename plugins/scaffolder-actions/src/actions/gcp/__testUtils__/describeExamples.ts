// A suite builder shared by the *.examples.test.ts files: it must export a
// function that declares describe/it blocks, which jest/no-export forbids.
/* eslint-disable jest/no-export */
import { GcpContractServer } from '@coder-platform/testing';
import { actionOptions, exampleInputs, mockContext, startGcp } from './harness';

/**
 * Runs every documented example of an action against a fresh contract server,
 * so the template-editor examples cannot rot: each example step using the
 * action must succeed and output the project it worked on.
 */
export function describeExamples(
  actionId: string,
  createAction: (options: ReturnType<typeof actionOptions>) => {
    id: string;
    handler: (ctx: any) => Promise<void>;
  },
  examples: Array<{ description: string; example: string }>,
  options: { before?: (gcp: GcpContractServer) => Promise<void> } = {},
) {
  describe(`${actionId} examples`, () => {
    // The official clients load their (large) protos when created; allow for it.
    jest.setTimeout(30_000);
    let gcp: GcpContractServer;
    beforeAll(async () => {
      gcp = await startGcp(1);
      await options.before?.(gcp);
    });
    afterAll(() => gcp.stop());

    it.each(examples.map(e => [e.description, e.example]))(
      'runs: %s',
      async (_description, example) => {
        const action = createAction(actionOptions(gcp));
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
}
