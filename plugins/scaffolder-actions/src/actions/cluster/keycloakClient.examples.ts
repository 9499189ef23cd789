import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'The oauth2-proxy client "auth" with audience and groups mappers; its secret lands in the oauth2-proxy namespace',
    example: yaml.stringify({
      steps: [
        {
          id: 'auth-client',
          action: 'keycloak:client',
          name: 'oauth2-proxy client',
          input: {
            realm: 'example-com',
            clientId: 'auth',
            rootUrl: 'https://auth.dev.example.com',
            cluster: 'dev',
            secret: { name: 'oauth2-proxy-client', namespace: 'oauth2-proxy' },
          },
        },
      ],
    }),
  },
  {
    description:
      'The Coder client, without a groups mapper, secret for the coder namespace',
    example: yaml.stringify({
      steps: [
        {
          id: 'coder-client',
          action: 'keycloak:client',
          name: 'Coder OIDC client',
          input: {
            realm: 'example-com',
            clientId: 'coder',
            rootUrl: 'https://coder.dev.example.com',
            groupsMapper: false,
            cluster: 'dev',
            secret: {
              name: 'coder-oidc',
              namespace: 'coder',
              key: 'client-secret',
            },
          },
        },
      ],
    }),
  },
];
