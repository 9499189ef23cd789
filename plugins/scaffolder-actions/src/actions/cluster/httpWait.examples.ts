import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Wait for Keycloak's master realm before configuring the realm, as the seed does (30 attempts, 5 s apart)",
    example: yaml.stringify({
      steps: [
        {
          id: 'keycloak-ready',
          action: 'http:wait',
          name: 'Wait for Keycloak',
          input: {
            url: 'https://keycloak.dev.example.com/realms/master',
            expectedStatus: [200],
            attempts: 30,
            intervalSeconds: 5,
          },
        },
      ],
    }),
  },
  {
    description:
      'Wait for oauth2-proxy to redirect to the login page (a 302 counts: redirects are not followed)',
    example: yaml.stringify({
      steps: [
        {
          id: 'auth-ready',
          action: 'http:wait',
          name: 'Wait for oauth2-proxy',
          input: {
            url: 'https://auth.dev.example.com/oauth2/start',
            method: 'HEAD',
            expectedStatus: [302],
            attempts: 60,
            intervalSeconds: 10,
            requestTimeoutSeconds: 5,
          },
        },
      ],
    }),
  },
];
