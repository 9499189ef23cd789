import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Remove the coder-cluster Resource of a torn-down cluster (the teardown template does this), checking its type and cluster annotation first',
    example: yaml.stringify({
      steps: [
        {
          id: 'catalog',
          action: 'coder-platform:catalog:unregister',
          name: 'Remove the cluster from the catalog',
          input: {
            entityRef: 'resource:default/dev',
            expectedType: 'coder-cluster',
            expectedAnnotations: { 'coder-platform.io/cluster': 'dev' },
          },
        },
      ],
    }),
  },
  {
    description:
      'Unregister a location that holds several entities, removing them all',
    example: yaml.stringify({
      steps: [
        {
          id: 'catalog',
          action: 'coder-platform:catalog:unregister',
          name: 'Remove the cluster and its companions',
          input: {
            entityRef: 'resource:dev',
            removeColocated: true,
          },
        },
      ],
    }),
  },
];
