import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Apply inline manifests to a cluster named in app-config (the StorageClass of the seed)',
    example: yaml.stringify({
      steps: [
        {
          id: 'storage-class',
          action: 'kubernetes:apply',
          name: 'StorageClass for workspaces',
          input: {
            cluster: 'dev',
            manifest: [
              'apiVersion: storage.k8s.io/v1',
              'kind: StorageClass',
              'metadata:',
              '  name: immediate-rwo',
              'provisioner: pd.csi.storage.gke.io',
              'parameters:',
              '  type: pd-balanced',
              'volumeBindingMode: Immediate',
              'reclaimPolicy: Delete',
              'allowVolumeExpansion: true',
              '',
            ].join('\n'),
          },
        },
      ],
    }),
  },
  {
    description:
      'Apply a workspace file to the cluster gcp:gke:cluster just created, and wait for the Certificate to be Ready',
    example: yaml.stringify({
      steps: [
        {
          id: 'certificate',
          action: 'kubernetes:apply',
          name: 'Wildcard certificate',
          input: {
            cluster: '${{ steps.gke.output.resourceName }}',
            manifestPath: 'manifests/certificate.yaml',
            namespace: 'nginx-ingress',
            waitFor: [
              {
                apiVersion: 'cert-manager.io/v1',
                kind: 'Certificate',
                name: 'cluster-cert',
                namespace: 'nginx-ingress',
                condition: 'Ready',
                timeoutSeconds: 180,
              },
            ],
          },
        },
      ],
    }),
  },
];
