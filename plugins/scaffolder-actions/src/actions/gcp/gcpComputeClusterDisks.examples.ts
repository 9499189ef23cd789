import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Delete the disks the GKE cluster dev-gke left behind, after the cluster is deleted (teardown)',
    example: yaml.stringify({
      steps: [
        {
          id: 'disks',
          action: 'gcp:compute:cluster-disks',
          name: 'Delete the orphaned disks of the cluster',
          input: {
            projectId: 'acme-coder',
            clusterName: 'dev-gke',
            location: 'europe-west3-c',
          },
        },
      ],
    }),
  },
];
