import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Zonal cluster with the seed defaults (base, workspace-spot and workspace node pools, REGULAR channel, 1.33.)',
    example: yaml.stringify({
      steps: [
        {
          id: 'gke',
          action: 'gcp:gke:cluster',
          name: 'GKE cluster',
          input: {
            projectId: 'acme-coder',
            name: 'dev-gke',
            location: 'europe-west3-c',
          },
        },
      ],
    }),
  },
  {
    description: 'Regional cluster with explicit node pools',
    example: yaml.stringify({
      steps: [
        {
          id: 'gke',
          action: 'gcp:gke:cluster',
          name: 'GKE cluster',
          input: {
            projectId: 'acme-coder',
            name: 'prod-gke',
            location: 'europe-west3',
            network: 'prod-vpc',
            subnetwork: 'prod-subnet',
            releaseChannel: 'STABLE',
            versionPrefix: '1.32.',
            nodePools: [
              {
                name: 'base',
                machineType: 'e2-standard-4',
                minNodeCount: 1,
                maxNodeCount: 3,
              },
              {
                name: 'workspace-spot',
                machineType: 't2d-standard-4',
                spot: true,
                minNodeCount: 0,
                maxNodeCount: 10,
                labels: { 'coder-development-cluster/workspace': 'true' },
                taints: [
                  {
                    key: 'coder-development-cluster/workspace',
                    value: 'true',
                    effect: 'NO_SCHEDULE',
                  },
                ],
              },
            ],
          },
        },
      ],
    }),
  },
  {
    description: 'Delete the cluster (teardown)',
    example: yaml.stringify({
      steps: [
        {
          id: 'gke-delete',
          action: 'gcp:gke:cluster',
          name: 'Delete GKE cluster',
          input: {
            projectId: 'acme-coder',
            name: 'dev-gke',
            location: 'europe-west3-c',
            state: 'absent',
          },
        },
      ],
    }),
  },
];
