import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Install cert-manager with its CRDs, as the seed cluster does',
    example: yaml.stringify({
      steps: [
        {
          id: 'cert-manager',
          action: 'helm:release',
          name: 'cert-manager',
          input: {
            cluster: 'dev',
            name: 'cert-manager',
            namespace: 'cert-manager',
            repoUrl: 'https://charts.jetstack.io',
            chart: 'cert-manager',
            version: 'v1.17.4',
            values: { installCRDs: true },
            wait: true,
            timeoutSeconds: 600,
            atomic: true,
          },
        },
      ],
    }),
  },
  {
    description:
      'Install Keycloak from an OCI chart with values from a workspace file and a secret admin password',
    example: yaml.stringify({
      steps: [
        {
          id: 'keycloak',
          action: 'helm:release',
          name: 'Keycloak',
          input: {
            cluster: '${{ steps.gke.output.resourceName }}',
            name: 'main',
            namespace: 'keycloak',
            chart: 'oci://registry-1.docker.io/bitnamicharts/keycloak',
            version: '25.1.0',
            valuesFiles: ['helm/keycloak-values.yaml'],
            secretValues: {
              auth: { adminPassword: '${{ secrets.keycloakAdminPassword }}' },
            },
          },
        },
      ],
    }),
  },
  {
    description: 'Uninstall kube-prometheus-stack during teardown',
    example: yaml.stringify({
      steps: [
        {
          id: 'monitoring',
          action: 'helm:release',
          name: 'Remove monitoring',
          input: {
            cluster: 'dev',
            name: 'main',
            namespace: 'monitoring',
            state: 'absent',
          },
        },
      ],
    }),
  },
];
