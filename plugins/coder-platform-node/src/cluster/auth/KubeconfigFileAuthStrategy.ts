import { KubeConfig } from '@kubernetes/client-node';
import { KubernetesAuthStrategy } from './types';

/** A kubeconfig file on the backend host (`kubernetes.auth.kubeconfigPath`), optionally one context of it. */
export class KubeconfigFileAuthStrategy implements KubernetesAuthStrategy {
  readonly type = 'kubeconfig' as const;

  constructor(
    private readonly path: string,
    private readonly context?: string,
    private readonly at = 'kubernetes.auth',
  ) {}

  async kubeConfig(): Promise<KubeConfig> {
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(this.path);
    } catch (error) {
      throw new Error(
        `${this.at}.kubeconfigPath: cannot read ${this.path}: ${
          (error as Error).message
        }`,
      );
    }
    if (this.context) {
      if (!kc.getContextObject(this.context)) {
        throw new Error(
          `${this.at}.context: ${this.path} has no context "${this.context}"`,
        );
      }
      kc.setCurrentContext(this.context);
    }
    return kc;
  }
}
