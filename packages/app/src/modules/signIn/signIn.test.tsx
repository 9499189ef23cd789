import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { Suspense } from 'react';
import { CoderPlatformSignInPage } from './index';
import { keycloakAuthApiRef } from './keycloakAuthApi';

const keycloakAuth = {
  getBackstageIdentity: jest.fn(async () => undefined),
  getProfile: jest.fn(async () => undefined),
  getIdToken: jest.fn(async () => ''),
  signIn: jest.fn(async () => {}),
  signOut: jest.fn(async () => {}),
  sessionState$: () => ({
    subscribe: () => ({ unsubscribe() {}, closed: false }),
    [Symbol.observable]() {
      return this;
    },
  }),
};

function render(signIn?: object) {
  return renderInTestApp(
    <Suspense fallback={null}>
      <CoderPlatformSignInPage onSignInSuccess={jest.fn()} />
    </Suspense>,
    {
      config: {
        app: {
          title: 'Coder Platform',
          baseUrl: 'http://localhost:3000',
          signIn,
        },
        backend: { baseUrl: 'http://localhost:7007' },
      } as any,
      apis: [[keycloakAuthApiRef, keycloakAuth]],
    },
  );
}

describe('CoderPlatformSignInPage', () => {
  it('offers guest sign-in by default (local app-config.yaml)', async () => {
    render();
    expect(
      await screen.findByRole('button', { name: 'Enter' }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Keycloak/)).not.toBeInTheDocument();
  });

  it('offers the Keycloak realm when app.signIn.provider is oidc (production)', async () => {
    render({ provider: 'oidc', title: 'Keycloak' });
    expect(
      await screen.findByText('Sign in with your Keycloak account'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign In' })).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Enter' }),
    ).not.toBeInTheDocument();
  });
});
