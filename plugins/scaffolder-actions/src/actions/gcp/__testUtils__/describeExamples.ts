// A suite builder shared by the *.examples.test.ts files: it must export a
// function that declares describe/it blocks, which jest/no-export forbids.
/* eslint-disable jest/no-export */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { GcpContractServer } from '@coder-platform/testing';
import {
  actionOptions,
  exampleInputs,
  mockContext,
  PROJECT,
  startGcp,
} from './harness';

/** What one example must have done to the contract servers. */
export type ExampleEffect = {
  /** Mutating calls per RPC the example made (reads are not counted). */
  mutations: Record<string, number>;
  /** Asserts the resources the example created, updated or deleted. */
  state: (gcp: GcpContractServer, outputs: Record<string, unknown>) => void;
};

/** Mutating calls per RPC recorded since the last reset. */
export function mutatingCalls(gcp: GcpContractServer): Record<string, number> {
  const all = gcp.calls.byRpc();
  return Object.fromEntries(gcp.calls.mutations().map(rpc => [rpc, all[rpc]]));
}

/**
 * Runs every documented example of an action, as written (no input replaced),
 * against one contract server, in the order documented (a teardown example
 * undoes the one before it): each example must make exactly the mutating calls
 * `effects[description]` lists and leave the state it asserts; running it
 * again must make no mutating call. Every example needs an entry.
 */
export function describeExamples(
  actionId: string,
  createAction: (options: ReturnType<typeof actionOptions>) => {
    id: string;
    handler: (ctx: any) => Promise<void>;
  },
  examples: Array<{ description: string; example: string }>,
  effects: Record<string, ExampleEffect>,
  options: {
    before?: (gcp: GcpContractServer) => Promise<void>;
    actionOptions?: (
      gcp: GcpContractServer,
    ) => ReturnType<typeof actionOptions>;
  } = {},
) {
  describe(`${actionId} examples`, () => {
    // The official clients load their (large) protos when created; allow for it.
    jest.setTimeout(30_000);
    // One workspace for the suite: a re-run sees the files the first run wrote.
    const workspace = createMockDirectory();
    let gcp: GcpContractServer;
    beforeAll(async () => {
      gcp = await startGcp(1);
      await options.before?.(gcp);
    });
    afterAll(() => gcp.stop());

    it('has an expected effect for every example, and no other', () => {
      expect(Object.keys(effects).sort()).toEqual(
        examples.map(e => e.description).sort(),
      );
    });

    it.each(examples.map(e => [e.description, e.example]))(
      'runs as written: %s',
      async (description, example) => {
        const action = createAction(
          options.actionOptions?.(gcp) ?? actionOptions(gcp),
        );
        const inputs = exampleInputs(action.id, example);
        expect(inputs.length).toBeGreaterThan(0);
        const effect = effects[description];
        expect(effect).toBeDefined();

        gcp.calls.reset();
        let outputs: Record<string, unknown> = {};
        for (const input of inputs) {
          const run = mockContext(input, { workspacePath: workspace.path });
          await action.handler(run.ctx);
          outputs = { ...outputs, ...run.outputs() };
          expect(run.outputs().projectId).toBe(input.projectId ?? PROJECT);
        }
        expect(mutatingCalls(gcp)).toEqual(effect.mutations);
        effect.state(gcp, { ...outputs, workspacePath: workspace.path });

        gcp.calls.reset();
        for (const input of inputs) {
          const again = mockContext(input, { workspacePath: workspace.path });
          await action.handler(again.ctx);
          expect(again.outputs().changed).toBe(false);
        }
        expect(gcp.calls.mutations()).toEqual([]);
      },
    );
  });
}
