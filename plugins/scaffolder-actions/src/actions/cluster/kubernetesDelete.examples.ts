import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Teardown as the seed does it: the workspaces' user namespaces first, then the seven app namespaces, waiting up to 300 s for each group so disks and load balancers are released",
    example: yaml.stringify({
      steps: [
        {
          id: 'delete-namespaces',
          action: 'kubernetes:delete',
          name: 'Delete user and app namespaces',
          input: {
            cluster: 'dev',
            objects: [
              { kind: 'Namespace', labelSelector: 'user-namespace=1' },
              {
                kind: 'Namespace',
                names: [
                  'coder',
                  'keycloak',
                  'postgres',
                  'monitoring',
                  'oauth2-proxy',
                  'cert-manager',
                  'nginx-ingress',
                ],
              },
            ],
            timeoutSeconds: 300,
          },
        },
      ],
    }),
  },
  {
    description:
      'Delete one ConfigMap and every Secret of a release by label, without waiting',
    example: yaml.stringify({
      steps: [
        {
          id: 'delete-release-objects',
          action: 'kubernetes:delete',
          name: 'Delete leftovers',
          input: {
            cluster: 'dev',
            objects: [
              {
                kind: 'ConfigMap',
                namespace: 'coder',
                name: 'coder-old-settings',
              },
              {
                kind: 'Secret',
                namespace: 'coder',
                labelSelector: 'app.kubernetes.io/instance=coder-old',
              },
            ],
            wait: false,
          },
        },
      ],
    }),
  },
];
