import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "The groups Grafana's role mapping reads from the groups claim: grafana-admin (Admin) and grafana-dev (Editor)",
    example: yaml.stringify({
      steps: [
        {
          id: 'grafana-groups',
          action: 'keycloak:group',
          name: 'Grafana groups',
          input: {
            cluster: 'dev',
            realm: 'example-com',
            groups: [{ name: 'grafana-admin' }, { name: 'grafana-dev' }],
          },
        },
      ],
    }),
  },
  {
    description:
      'Groups that also carry client roles of the grafana client (roles created when missing)',
    example: yaml.stringify({
      steps: [
        {
          id: 'grafana-role-groups',
          action: 'keycloak:group',
          name: 'Grafana groups with client roles',
          input: {
            cluster: 'dev',
            realm: 'example-com',
            groups: [
              {
                name: 'grafana-admin',
                clientRoles: [{ clientId: 'grafana', roles: ['admin'] }],
              },
              {
                name: 'grafana-dev',
                clientRoles: [{ clientId: 'grafana', roles: ['editor'] }],
              },
            ],
          },
        },
      ],
    }),
  },
];
