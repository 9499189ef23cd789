import { GcpCallLog, HungCall } from './contract';

describe('GcpCallLog HANG faults', () => {
  it('throws HungCall for the matching calls, keeps what is hung and closes it when the faults are cleared', () => {
    const log = new GcpCallLog();
    log.inject({ rpc: 'container.GetCluster', error: 'HANG', times: 2 });
    expect(() => log.enter('container.GetCluster')).toThrow(HungCall);
    expect(() => log.enter('container.ListClusters')).not.toThrow();
    const closed: string[] = [];
    log.hold(() => closed.push('a'));
    const forget = log.hold(() => closed.push('b'));
    expect(log.hungCalls).toBe(2);
    // A call its client gave up on is forgotten, not closed again.
    forget();
    expect(log.hungCalls).toBe(1);
    log.clearFaults();
    expect(closed).toEqual(['a']);
    expect(log.hungCalls).toBe(0);
    expect(() => log.enter('container.GetCluster')).not.toThrow();
  });
});
