import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Create the Coder admin (password from the coderAdminPassword task secret) and keep its session token in the coder namespace',
    example: yaml.stringify({
      steps: [
        {
          id: 'coder-admin',
          action: 'coder:bootstrap',
          name: 'Coder first user',
          input: {
            email: 'admin@example.com',
            username: 'admin',
            cluster: 'dev',
            secret: { name: 'coder-admin-session', namespace: 'coder' },
          },
        },
      ],
    }),
  },
];
