import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: "Create the cluster's realm with the seed's defaults",
    example: yaml.stringify({
      steps: [
        {
          id: 'realm',
          action: 'keycloak:realm',
          name: 'Keycloak realm',
          input: {
            cluster: 'dev',
            realm: 'example-com',
          },
        },
      ],
    }),
  },
  {
    description: 'Realm with SMTP for verification mails and shorter sessions',
    example: yaml.stringify({
      steps: [
        {
          id: 'realm',
          action: 'keycloak:realm',
          name: 'Keycloak realm with mail',
          input: {
            cluster: 'dev',
            realm: 'example-com',
            displayName: 'Example',
            sessions: {
              ssoSessionIdleTimeout: 3600,
              ssoSessionMaxLifespan: 36000,
            },
            smtp: {
              host: 'smtp.example.com',
              port: 587,
              from: 'noreply@example.com',
              replyTo: 'platform@example.com',
              user: 'noreply@example.com',
              passwordSecret: 'smtpPassword',
            },
          },
        },
      ],
    }),
  },
];
