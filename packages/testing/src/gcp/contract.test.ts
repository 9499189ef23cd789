import {
  GcpCallLog,
  GcpContractError,
  OperationStore,
  quotaExceededError,
} from './contract';

describe('GcpCallLog', () => {
  it('counts calls per RPC and fails the next K matching calls', () => {
    const log = new GcpCallLog();
    log.inject({ rpc: /^compute\./, error: 'UNAVAILABLE', times: 2 });
    expect(() => log.enter('compute.networks.get')).toThrow(GcpContractError);
    expect(() => log.enter('compute.networks.insert')).toThrow(
      'injected UNAVAILABLE',
    );
    expect(() => log.enter('compute.networks.get')).not.toThrow();
    log.enter('container.GetCluster');
    expect(log.byRpc()).toEqual({
      'compute.networks.get': 2,
      'compute.networks.insert': 1,
      'container.GetCluster': 1,
    });
    expect(log.count(/^compute\./)).toBe(3);
    expect(log.mutations()).toEqual(['compute.networks.insert']);
  });

  it('injects the real error shapes', () => {
    const log = new GcpCallLog();
    log.inject({
      rpc: '*',
      error: quotaExceededError('STATIC_ADDRESSES', 8, 'europe-west3'),
    });
    let error: unknown;
    try {
      log.enter('compute.addresses.insert');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
      details: [
        expect.objectContaining({
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        }),
      ],
    });
  });
});

describe('OperationStore', () => {
  it('completes an operation after N polls and applies its effect once', () => {
    const effect = jest.fn();
    const store = new OperationStore(() => 2);
    const op = store.start('operation-', effect);
    expect(op.done).toBe(false);
    expect(store.poll(op.name)!.done).toBe(false);
    expect(store.poll(op.name)!.done).toBe(true);
    store.poll(op.name);
    expect(effect).toHaveBeenCalledTimes(1);
  });
});
