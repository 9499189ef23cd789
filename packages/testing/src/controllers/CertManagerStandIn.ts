import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CustomObject,
  PollingStandIn,
  ResourceType,
  StandInOptions,
} from './standInKube';

const CERTIFICATES: ResourceType = {
  group: 'cert-manager.io',
  version: 'v1',
  plural: 'certificates',
};

/** What the stand-in did for one Certificate. */
export interface IssuedCertificate {
  namespace: string;
  name: string;
  secretName: string;
  dnsNames: string[];
  /** The Certificate's `metadata.generation` it was issued for. */
  generation?: number;
  at: number;
}

const run = promisify(execFile);

/**
 * Stands in for cert-manager (with an issuer that always succeeds, where
 * the real one solves ACME DNS01 challenges): for every `cert-manager.io/v1`
 * Certificate in the namespaces it watches (default all) that is not issued for its
 * current spec, it writes the Secret `spec.secretName` (type
 * `kubernetes.io/tls`: `tls.key`, `tls.crt` for the `dnsNames`, `ca.crt`,
 * signed by an openssl-made CA of this stand-in, with cert-manager's
 * annotations) and sets `status.conditions` to
 * `[{ type: Ready, status: "True", reason: Issued }]` through the status
 * subresource when the CRD has one. {@link issued} records each issuance.
 */
export class CertManagerStandIn extends PollingStandIn {
  /** Every issuance, in order. */
  readonly issued: IssuedCertificate[] = [];
  private ca?: Promise<{ key: string; cert: string; dir: string }>;

  constructor(options: StandInOptions = {}) {
    super(options);
  }

  /** The CA that signs the certificates (PEM), e.g. to trust it in a client. */
  async caCertificate(): Promise<string> {
    return (await this.authority()).cert;
  }

  override async stop(): Promise<void> {
    await super.stop();
    const ca = await this.ca?.catch(() => undefined);
    if (ca) await rm(ca.dir, { recursive: true, force: true });
    this.ca = undefined;
  }

  protected async pass(namespace: string | undefined): Promise<void> {
    for (const certificate of await this.list(CERTIFICATES, namespace)) {
      if (await this.upToDate(certificate)) continue;
      await this.issue(certificate);
    }
  }

  /** Ready for its generation, and its Secret holds a certificate for its dnsNames. */
  private async upToDate(certificate: CustomObject): Promise<boolean> {
    const ready = (certificate.status?.conditions ?? []).find(
      (c: { type?: string }) => c.type === 'Ready',
    );
    if (
      ready?.status !== 'True' ||
      ready.observedGeneration !== certificate.metadata.generation
    )
      return false;
    const secret = await this.readSecret(
      certificate.metadata.namespace,
      certificate.spec?.secretName,
    );
    return (
      Boolean(secret?.data?.['tls.crt']) &&
      secret?.metadata?.annotations?.['cert-manager.io/alt-names'] ===
        dnsNamesOf(certificate).join(',')
    );
  }

  private async issue(certificate: CustomObject): Promise<void> {
    const { namespace, name, generation } = certificate.metadata;
    const secretName: string | undefined = certificate.spec?.secretName;
    const dnsNames = dnsNamesOf(certificate);
    if (!secretName || !dnsNames.length) {
      throw new Error(
        `Certificate ${namespace}/${name}: spec.secretName and spec.dnsNames (or commonName) are required`,
      );
    }
    const ca = await this.authority();
    const leaf = await this.leaf(ca, dnsNames);
    const issuer = certificate.spec?.issuerRef ?? {};
    await this.writeSecret({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: {
        name: secretName,
        namespace,
        labels: { 'controller.cert-manager.io/fao': 'true' },
        annotations: {
          'cert-manager.io/alt-names': dnsNames.join(','),
          'cert-manager.io/certificate-name': name,
          'cert-manager.io/common-name':
            certificate.spec?.commonName ?? dnsNames[0],
          'cert-manager.io/issuer-group': issuer.group ?? 'cert-manager.io',
          'cert-manager.io/issuer-kind': issuer.kind ?? 'Issuer',
          'cert-manager.io/issuer-name': issuer.name ?? '',
        },
      },
      data: {
        'tls.crt': Buffer.from(leaf.cert).toString('base64'),
        'tls.key': Buffer.from(leaf.key).toString('base64'),
        'ca.crt': Buffer.from(ca.cert).toString('base64'),
      },
    });
    const now = new Date();
    const notAfter = new Date(now.getTime() + 2 * 24 * 3_600_000);
    await this.writeStatus(CERTIFICATES, certificate, {
      ...certificate.status,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Issued',
          message: 'Certificate is up to date and has not expired',
          lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z'),
          observedGeneration: generation,
        },
      ],
      notBefore: now.toISOString().replace(/\.\d+Z$/, 'Z'),
      notAfter: notAfter.toISOString().replace(/\.\d+Z$/, 'Z'),
      revision: (certificate.status?.revision ?? 0) + 1,
    });
    this.issued.push({
      namespace,
      name,
      secretName,
      dnsNames,
      generation,
      at: Date.now(),
    });
  }

  private authority() {
    this.ca ??= (async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cert-manager-stand-in-'));
      await run(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '2',
          '-subj',
          '/CN=cert-manager stand-in CA',
          '-keyout',
          'ca.key',
          '-out',
          'ca.pem',
        ],
        { cwd: dir },
      );
      return {
        dir,
        key: await readFile(join(dir, 'ca.key'), 'utf8'),
        cert: await readFile(join(dir, 'ca.pem'), 'utf8'),
      };
    })();
    return this.ca;
  }

  private async leaf(
    ca: { dir: string },
    dnsNames: string[],
  ): Promise<{ key: string; cert: string }> {
    const dir = await mkdtemp(join(ca.dir, 'leaf-'));
    const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
    try {
      await writeFile(
        join(dir, 'leaf.ext'),
        `subjectAltName=${dnsNames.map(d => `DNS:${d}`).join(',')}\n` +
          'extendedKeyUsage=serverAuth\n',
      );
      await openssl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        // The CN is at most 64 characters; the names are in the SANs.
        `/CN=${dnsNames[0].slice(0, 64)}`,
        '-keyout',
        'leaf.key',
        '-out',
        'leaf.csr',
      );
      await openssl(
        'x509',
        '-req',
        '-in',
        'leaf.csr',
        '-CA',
        join(ca.dir, 'ca.pem'),
        '-CAkey',
        join(ca.dir, 'ca.key'),
        '-CAcreateserial',
        '-CAserial',
        join(dir, 'ca.srl'),
        '-days',
        '2',
        '-extfile',
        'leaf.ext',
        '-out',
        'leaf.pem',
      );
      return {
        key: await readFile(join(dir, 'leaf.key'), 'utf8'),
        cert: await readFile(join(dir, 'leaf.pem'), 'utf8'),
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** `spec.dnsNames`, or `spec.commonName` when there are none. */
function dnsNamesOf(certificate: CustomObject): string[] {
  const names: string[] = certificate.spec?.dnsNames ?? [];
  if (names.length) return names;
  return certificate.spec?.commonName ? [certificate.spec.commonName] : [];
}
