import { gzipSync } from 'node:zlib';
import {
  compareWithPins,
  decodeReleaseData,
  parseReleaseSecretName,
  toReleaseInfo,
} from './releaseSecrets';

const release = {
  name: 'coder',
  namespace: 'coder',
  version: 3,
  info: {
    status: 'deployed',
    first_deployed: '2026-11-01T10:00:00Z',
    last_deployed: '2026-11-20T10:00:00Z',
    description: 'Upgrade complete',
    notes: 'secret notes are not returned',
  },
  chart: {
    metadata: { name: 'coder', version: '2.25.1', appVersion: '2.25.1' },
  },
  config: { coder: { env: [{ name: 'TOKEN', value: 'do-not-leak' }] } },
  manifest: '---\nkind: Deployment',
};

/** What the API server returns in `data.release`: base64 of Helm's base64(gzip(json)). */
function secretData(json: unknown, gzip = true): string {
  const raw = Buffer.from(JSON.stringify(json));
  const helm = (gzip ? gzipSync(raw) : raw).toString('base64');
  return Buffer.from(helm).toString('base64');
}

describe('Helm release secrets', () => {
  it.each([
    ['gzipped (Helm 3/4)', true],
    ['plain (old Helm)', false],
  ])('decodes %s release data', (_label, gzip) => {
    expect(decodeReleaseData(secretData(release, gzip))).toMatchObject({
      name: 'coder',
      version: 3,
    });
  });

  it('keeps only the summary: no values, manifest or notes', () => {
    const info = toReleaseInfo(decodeReleaseData(secretData(release)));
    expect(info).toEqual({
      name: 'coder',
      namespace: 'coder',
      revision: 3,
      status: 'deployed',
      chart: 'coder',
      chartVersion: '2.25.1',
      appVersion: '2.25.1',
      updated: '2026-11-20T10:00:00Z',
      description: 'Upgrade complete',
    });
    expect(JSON.stringify(info)).not.toMatch(/do-not-leak|notes|Deployment/);
  });

  it.each([
    ['sh.helm.release.v1.coder.v12', { release: 'coder', revision: 12 }],
    [
      'sh.helm.release.v1.my.dotted.release.v1',
      { release: 'my.dotted.release', revision: 1 },
    ],
    ['sh.helm.release.v1.coder', undefined],
    ['default-token-abc', undefined],
  ])('parses the secret name %s', (name, expected) => {
    expect(parseReleaseSecretName(name)).toEqual(expected);
  });

  it('reports in-sync, drift, missing and unpinned releases', () => {
    const installed = [
      { ...toReleaseInfo(decodeReleaseData(secretData(release))) },
      {
        name: 'cert-manager',
        namespace: 'cert-manager',
        revision: 1,
        status: 'deployed',
        chart: 'cert-manager',
        chartVersion: '1.17.4',
      },
      {
        name: 'extra',
        namespace: 'default',
        revision: 1,
        status: 'failed',
        chart: 'extra',
        chartVersion: '0.1.0',
      },
    ];
    const pins = [
      {
        release: 'coder',
        namespace: 'coder',
        chart: 'coder',
        version: '2.26.0',
      },
      {
        release: 'cert-manager',
        namespace: 'cert-manager',
        chart: 'cert-manager',
        version: 'v1.17.4',
      },
      {
        release: 'main',
        namespace: 'keycloak',
        chart: 'keycloak',
        version: '25.1.0',
      },
    ];
    const result = compareWithPins(installed, pins);
    expect(result.map(r => [`${r.namespace}/${r.release}`, r.drift])).toEqual([
      ['cert-manager/cert-manager', 'in-sync'],
      ['coder/coder', 'drift'],
      ['default/extra', 'unpinned'],
      ['keycloak/main', 'missing'],
    ]);
  });
});
