import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { requirePeer } from '../peers/peersEnv';
import { CertManagerStandIn } from './CertManagerStandIn';
import { PostgresOperatorStandIn } from './PostgresOperatorStandIn';

jest.setTimeout(120_000);

const kube = requirePeer('kube', ['PEERS_KUBECONFIG']);
const unique = randomBytes(4).toString('hex');
const watched = `stand-ins-${unique}`;
const elsewhere = `stand-ins-other-${unique}`;

const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(kube.PEERS_KUBECONFIG);
const core = kubeConfig.makeApiClient(CoreV1Api);
const custom = kubeConfig.makeApiClient(CustomObjectsApi);
const crds = kubeConfig.makeApiClient(ApiextensionsV1Api);

/** A minimal CRD with a status subresource, as the real ones have. */
function minimalCrd(
  group: string,
  kind: string,
  plural: string,
): V1CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: {
        kind,
        plural,
        singular: kind.toLowerCase(),
        listKind: `${kind}List`,
      },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              x_kubernetes_preserve_unknown_fields: true,
            },
          },
        },
      ],
    },
  };
}

/**
 * Creates the CRD only when the cluster has none of that name (CRDs are
 * cluster-wide and shared: never replaced, never deleted), then waits until
 * it is Established.
 */
async function ensureCrd(crd: V1CustomResourceDefinition) {
  const name = crd.metadata!.name!;
  try {
    await crds.readCustomResourceDefinition({ name });
  } catch (error) {
    if (!(error instanceof ApiException && error.code === 404)) throw error;
    await crds.createCustomResourceDefinition({ body: crd }).catch(e => {
      if (!(e instanceof ApiException && e.code === 409)) throw e;
    });
  }
  await eventually(`CRD ${name} Established`, async () => {
    const current = await crds.readCustomResourceDefinition({ name });
    return current.status?.conditions?.some(
      c => c.type === 'Established' && c.status === 'True',
    )
      ? true
      : undefined;
  });
}

/** Polls (bounded) until `check` resolves to a value. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`never happened: ${what}`);
}

const CERTS = {
  group: 'cert-manager.io',
  version: 'v1',
  plural: 'certificates',
};
const PGS = { group: 'acid.zalan.do', version: 'v1', plural: 'postgresqls' };

async function readCustom(
  type: typeof CERTS,
  namespace: string,
  name: string,
): Promise<any> {
  return custom.getNamespacedCustomObject({ ...type, namespace, name });
}

beforeAll(async () => {
  await ensureCrd(minimalCrd('cert-manager.io', 'Certificate', 'certificates'));
  await ensureCrd(minimalCrd('acid.zalan.do', 'postgresql', 'postgresqls'));
  for (const name of [watched, elsewhere])
    await core.createNamespace({ body: { metadata: { name } } });
});

afterAll(async () => {
  for (const name of [watched, elsewhere])
    await core.deleteNamespace({ name }).catch(() => undefined);
});

describe('CertManagerStandIn', () => {
  const standIn = new CertManagerStandIn({ namespaces: [watched] });
  afterAll(() => standIn.stop());

  const certificate = (namespace: string, dnsNames: string[]) => ({
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: 'cluster-cert', namespace },
    spec: {
      secretName: 'ingress-isi-cert',
      dnsNames,
      issuerRef: {
        name: 'cert-issuer',
        kind: 'Issuer',
        group: 'cert-manager.io',
      },
    },
  });

  it('issues a Ready certificate and a real TLS Secret for the dnsNames, in watched namespaces only', async () => {
    const names = [`*.dev.${unique}.test`, `*.coder.dev.${unique}.test`];
    for (const namespace of [watched, elsewhere])
      await custom.createNamespacedCustomObject({
        ...CERTS,
        namespace,
        body: certificate(namespace, names),
      });
    await standIn.start();

    const ready = await eventually('the Certificate Ready', async () => {
      const current = await readCustom(CERTS, watched, 'cluster-cert');
      return current.status?.conditions?.find((c: any) => c.type === 'Ready')
        ?.status === 'True'
        ? current
        : undefined;
    });
    expect(ready.status.conditions).toEqual([
      expect.objectContaining({
        type: 'Ready',
        status: 'True',
        reason: 'Issued',
        observedGeneration: ready.metadata.generation,
      }),
    ]);

    const secret = await core.readNamespacedSecret({
      namespace: watched,
      name: 'ingress-isi-cert',
    });
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(secret.metadata?.annotations).toMatchObject({
      'cert-manager.io/certificate-name': 'cluster-cert',
      'cert-manager.io/issuer-name': 'cert-issuer',
      'cert-manager.io/alt-names': names.join(','),
    });
    const decode = (key: string) =>
      Buffer.from(secret.data![key], 'base64').toString();
    const leaf = new X509Certificate(decode('tls.crt'));
    const ca = new X509Certificate(decode('ca.crt'));
    expect(leaf.subjectAltName).toBe(names.map(n => `DNS:${n}`).join(', '));
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkPrivateKey(createPrivateKey(decode('tls.key')))).toBe(
      true,
    );
    // The wildcard covers the cluster's public hosts.
    expect(leaf.checkHost(`keycloak.dev.${unique}.test`)).toBe(
      `*.dev.${unique}.test`,
    );
    expect(ca.toString()).toBe(
      new X509Certificate(await standIn.caCertificate()).toString(),
    );

    // Not watched: untouched. Issued: not issued again.
    await standIn.nextPass();
    const other = await readCustom(CERTS, elsewhere, 'cluster-cert');
    expect(other.status).toBeUndefined();
    await expect(
      core.readNamespacedSecret({
        namespace: elsewhere,
        name: 'ingress-isi-cert',
      }),
    ).rejects.toMatchObject({ code: 404 });
    expect(standIn.issued).toEqual([
      expect.objectContaining({
        namespace: watched,
        name: 'cluster-cert',
        secretName: 'ingress-isi-cert',
        dnsNames: names,
      }),
    ]);
    expect(standIn.errors).toEqual([]);
  });

  it('issues again when the dnsNames change', async () => {
    const current = await readCustom(CERTS, watched, 'cluster-cert');
    const names = [`*.prod.${unique}.test`];
    await custom.replaceNamespacedCustomObject({
      ...CERTS,
      namespace: watched,
      name: 'cluster-cert',
      body: { ...current, spec: { ...current.spec, dnsNames: names } },
    });
    await eventually('the second issuance', async () =>
      standIn.issued.length === 2 ? true : undefined,
    );
    const secret = await core.readNamespacedSecret({
      namespace: watched,
      name: 'ingress-isi-cert',
    });
    const leaf = new X509Certificate(
      Buffer.from(secret.data!['tls.crt'], 'base64'),
    );
    expect(leaf.subjectAltName).toBe(`DNS:${names[0]}`);
    const ready = await readCustom(CERTS, watched, 'cluster-cert');
    expect(ready.status.conditions[0]).toMatchObject({
      status: 'True',
      observedGeneration: ready.metadata.generation,
    });
    expect(ready.status.revision).toBe(2);
  });
});

describe('PostgresOperatorStandIn', () => {
  const standIn = new PostgresOperatorStandIn({
    namespaces: [watched],
    inheritedLabels: ['coder-platform.io/managed'],
  });
  afterAll(() => standIn.stop());

  it('writes one credentials Secret per user with the operator labels, and marks the cluster Running', async () => {
    for (const namespace of [watched, elsewhere])
      await custom.createNamespacedCustomObject({
        ...PGS,
        namespace,
        body: {
          apiVersion: 'acid.zalan.do/v1',
          kind: 'postgresql',
          metadata: {
            name: 'main-postgres-db',
            namespace,
            labels: {
              team: 'main',
              'coder-platform.io/managed': 'true',
              'not-inherited': 'x',
            },
          },
          spec: {
            teamId: 'main',
            numberOfInstances: 1,
            users: { keycloak: [], coder_app: ['createdb'] },
            databases: { keycloak: 'keycloak' },
          },
        },
      });
    await standIn.start();
    const running = await eventually('the postgresql Running', async () => {
      const current = await readCustom(PGS, watched, 'main-postgres-db');
      return current.status?.PostgresClusterStatus === 'Running'
        ? current
        : undefined;
    });
    expect(running.status).toEqual({ PostgresClusterStatus: 'Running' });

    const passwords: string[] = [];
    for (const [user, secretUser] of [
      ['keycloak', 'keycloak'],
      ['coder_app', 'coder-app'],
    ]) {
      const secret = await core.readNamespacedSecret({
        namespace: watched,
        name: `${secretUser}.main-postgres-db.credentials.postgresql.acid.zalan.do`,
      });
      expect(secret.metadata?.labels).toEqual({
        application: 'spilo',
        'cluster-name': 'main-postgres-db',
        team: 'main',
        'coder-platform.io/managed': 'true',
      });
      const data = (key: string) =>
        Buffer.from(secret.data![key], 'base64').toString();
      expect(data('username')).toBe(user);
      expect(data('password')).toMatch(/^[A-Za-z0-9]{64}$/);
      passwords.push(data('password'));
    }
    expect(passwords[0]).not.toBe(passwords[1]);

    // A later pass keeps the passwords; the unwatched namespace stays as it was.
    await standIn.nextPass();
    const again = await core.readNamespacedSecret({
      namespace: watched,
      name: 'keycloak.main-postgres-db.credentials.postgresql.acid.zalan.do',
    });
    expect(Buffer.from(again.data!.password, 'base64').toString()).toBe(
      passwords[0],
    );
    expect(standIn.created.map(c => c.name).sort()).toEqual([
      'coder-app.main-postgres-db.credentials.postgresql.acid.zalan.do',
      'keycloak.main-postgres-db.credentials.postgresql.acid.zalan.do',
    ]);
    expect(standIn.running).toEqual([
      expect.objectContaining({ namespace: watched, name: 'main-postgres-db' }),
    ]);
    const other = await readCustom(PGS, elsewhere, 'main-postgres-db');
    expect(other.status).toBeUndefined();
    const otherSecrets = await core.listNamespacedSecret({
      namespace: elsewhere,
    });
    expect(
      otherSecrets.items.filter(s => s.metadata?.name?.includes('credentials')),
    ).toEqual([]);
    expect(standIn.errors).toEqual([]);
  });
});
