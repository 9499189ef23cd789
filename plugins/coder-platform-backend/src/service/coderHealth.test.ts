import { summarizeHealth } from './coderHealth';

describe('summarizeHealth', () => {
  it('keeps the overall severity and each failing or warning section', () => {
    const ok = { healthy: true, severity: 'ok' as const, warnings: [] };
    const summary = summarizeHealth({
      healthy: false,
      severity: 'error',
      time: '2026-11-28T10:00:00Z',
      coder_version: 'v2.25.1',
      access_url: ok,
      database: {
        healthy: true,
        severity: 'warning',
        warnings: [
          {
            code: 'EDB02',
            message: 'Database latency 120ms exceeds threshold 100ms',
          },
        ],
        latency_ms: 120,
        threshold_ms: 100,
      },
      derp: {
        healthy: false,
        severity: 'error',
        error: 'no DERP region reachable',
        warnings: [],
      },
      websocket: ok,
      workspace_proxy: {
        healthy: true,
        severity: 'ok',
        dismissed: true,
        warnings: [],
      },
      provisioner_daemons: {
        healthy: false,
        severity: 'error',
        warnings: [
          { code: 'EPD01', message: 'No provisioner daemons available' },
        ],
      },
    });
    expect(summary).toEqual({
      healthy: false,
      severity: 'error',
      time: '2026-11-28T10:00:00Z',
      failing: [
        {
          section: 'database',
          severity: 'warning',
          message: 'EDB02: Database latency 120ms exceeds threshold 100ms',
          warnings: ['EDB02: Database latency 120ms exceeds threshold 100ms'],
          dismissed: false,
        },
        {
          section: 'derp',
          severity: 'error',
          message: 'no DERP region reachable',
          warnings: [],
          dismissed: false,
        },
        {
          section: 'provisioner_daemons',
          severity: 'error',
          message: 'EPD01: No provisioner daemons available',
          warnings: ['EPD01: No provisioner daemons available'],
          dismissed: false,
        },
      ],
    });
  });
});
