import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'The Keycloak admin credentials: the password the user typed (a Secret form field) or a generated one, kept on re-runs',
    example: yaml.stringify({
      steps: [
        {
          id: 'keycloak-admin',
          action: 'kubernetes:secret',
          name: 'Keycloak admin credentials',
          input: {
            cluster: 'dev',
            namespace: 'keycloak',
            name: 'keycloak-admin',
            literals: { username: 'admin' },
            generate: [
              {
                key: 'password',
                length: 24,
                taskSecret: 'keycloakAdminPassword',
              },
            ],
          },
        },
      ],
    }),
  },
  {
    description:
      'The oauth2-proxy cookie secret (32 characters) and a per-cluster restic password, generated once',
    example: yaml.stringify({
      steps: [
        {
          id: 'oauth2-proxy-secret',
          action: 'kubernetes:secret',
          name: 'oauth2-proxy cookie secret',
          input: {
            cluster: 'dev',
            namespace: 'oauth2-proxy',
            name: 'oauth2-proxy-cookie',
            generate: [
              { key: 'cookie-secret', length: 32, charset: 'base64url' },
            ],
          },
        },
        {
          id: 'restic-password',
          action: 'kubernetes:secret',
          name: 'restic password of workspace backups',
          input: {
            cluster: 'dev',
            namespace: 'coder',
            name: 'restic-password',
            generate: [{ key: 'password', length: 48 }],
          },
        },
      ],
    }),
  },
  {
    description:
      "Copy the Zalando-generated database password of user keycloak from namespace postgres into Keycloak's namespace, waiting for the operator to create it",
    example: yaml.stringify({
      steps: [
        {
          id: 'keycloak-db-password',
          action: 'kubernetes:secret',
          name: 'Keycloak database credentials',
          input: {
            cluster: 'dev',
            namespace: 'keycloak',
            name: 'keycloak-db',
            copyFrom: {
              namespace: 'postgres',
              name: 'keycloak.main-postgres-db.credentials.postgresql.acid.zalan.do',
              keys: [
                { key: 'username', as: 'db-username' },
                { key: 'password', as: 'db-password' },
              ],
              timeoutSeconds: 300,
            },
          },
        },
      ],
    }),
  },
];
