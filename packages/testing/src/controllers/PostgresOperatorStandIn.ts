import { randomBytes } from 'node:crypto';
import {
  CustomObject,
  PollingStandIn,
  ResourceType,
  StandInOptions,
} from './standInKube';

const POSTGRESQLS: ResourceType = {
  group: 'acid.zalan.do',
  version: 'v1',
  plural: 'postgresqls',
};

/** Options of {@link PostgresOperatorStandIn}. */
export interface PostgresOperatorStandInOptions extends StandInOptions {
  /**
   * The operator's `inherited_labels`: labels of a `postgresql` copied to
   * the Secrets it writes (the template sets `coder-platform.io/managed`).
   */
  inheritedLabels?: string[];
}

/** A credentials Secret the stand-in created. */
export interface CreatedCredentials {
  namespace: string;
  /** `<user>.<cluster>.credentials.postgresql.acid.zalan.do` */
  name: string;
  user: string;
  cluster: string;
  at: number;
}

/** The operator's password alphabet and length (it generates 64 characters). */
function randomPassword(): string {
  const alphabet =
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(64)].map(b => alphabet[b % alphabet.length]).join('');
}

/**
 * Stands in for the Zalando postgres-operator (without Spilo pods: nothing
 * here runs a database): for each `postgresql` (`acid.zalan.do/v1`) in the
 * namespaces it watches (default all), it creates in the resource's namespace one Secret
 * per `spec.users` key, `<user>.<cluster>.credentials.postgresql.acid.zalan.do`
 * with `username` and a random `password` (never changed once written, as
 * the operator keeps them), labelled `application: spilo`, `cluster-name`,
 * `team` (`spec.teamId`) and the `inheritedLabels` the resource carries;
 * then it sets `status.PostgresClusterStatus: Running`. {@link created}
 * records the Secrets, {@link running} the clusters it marked Running.
 */
export class PostgresOperatorStandIn extends PollingStandIn {
  readonly created: CreatedCredentials[] = [];
  readonly running: Array<{ namespace: string; name: string; at: number }> = [];
  private readonly inheritedLabels: string[];

  constructor(options: PostgresOperatorStandInOptions = {}) {
    super(options);
    this.inheritedLabels = options.inheritedLabels ?? [];
  }

  protected async pass(namespace: string | undefined): Promise<void> {
    for (const cluster of await this.list(POSTGRESQLS, namespace)) {
      await this.reconcile(cluster);
    }
  }

  private async reconcile(cluster: CustomObject): Promise<void> {
    const { namespace, name } = cluster.metadata;
    const labels = cluster.metadata.labels ?? {};
    const secretLabels: Record<string, string> = {
      application: 'spilo',
      'cluster-name': name,
      ...(cluster.spec?.teamId ? { team: String(cluster.spec.teamId) } : {}),
    };
    for (const key of this.inheritedLabels) {
      if (labels[key] !== undefined) secretLabels[key] = labels[key];
    }
    for (const user of Object.keys(cluster.spec?.users ?? {})) {
      // The operator's secret_name_template, with `_` of a user name as `-`.
      const secretName = `${user.replace(
        /_/g,
        '-',
      )}.${name}.credentials.postgresql.acid.zalan.do`;
      if (await this.readSecret(namespace, secretName)) continue;
      await this.writeSecret({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: { name: secretName, namespace, labels: secretLabels },
        stringData: { username: user, password: randomPassword() },
      });
      this.created.push({
        namespace,
        name: secretName,
        user,
        cluster: name,
        at: Date.now(),
      });
    }
    if (cluster.status?.PostgresClusterStatus !== 'Running') {
      await this.writeStatus(POSTGRESQLS, cluster, {
        ...cluster.status,
        PostgresClusterStatus: 'Running',
      });
      this.running.push({ namespace, name, at: Date.now() });
    }
  }
}
