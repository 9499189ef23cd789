import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { getGlobalDispatcher } from 'undici';
import { hostUnder, installIngressDispatcher } from './ingressDispatcher';
import { ingressHostMatches } from './IngressRouter';

/** A plain HTTP server that answers what reached it. */
async function listen(name: string) {
  const server: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ name, host: req.headers.host, url: req.url }));
  });
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>(done => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

describe('installIngressDispatcher', () => {
  it('sends fetch of https:// hosts under the suffix over plain TCP to the router, and nothing else', async () => {
    const router = await listen('router');
    const other = await listen('other');
    const before = getGlobalDispatcher();
    const installed = installIngressDispatcher({
      hostSuffix: '.dev.example.test',
      routerUrl: router.url,
    });
    try {
      expect(getGlobalDispatcher()).toBe(installed.dispatcher);
      const routed = await fetch(
        'https://keycloak.dev.example.test/realms/master?x=1',
      );
      expect(await routed.json()).toEqual({
        name: 'router',
        host: 'keycloak.dev.example.test',
        url: '/realms/master?x=1',
      });
      const plain = await fetch('http://coder.dev.example.test:8080/api/v2');
      expect(await plain.json()).toEqual({
        name: 'router',
        host: 'coder.dev.example.test:8080',
        url: '/api/v2',
      });
      // Any other host: undici's default connector.
      const direct = await fetch(`${other.url}/x`);
      expect(await direct.json()).toMatchObject({ name: 'other', url: '/x' });
    } finally {
      await installed.uninstall();
      await router.stop();
      await other.stop();
    }
    expect(getGlobalDispatcher()).toBe(before);
    // Uninstalled also where Node's fetch reads it: the name is unknown again.
    await expect(
      fetch('https://keycloak.dev.example.test/realms/master'),
    ).rejects.toThrow('fetch failed');
  });

  it('refuses a router URL that is not http://host:port', () => {
    expect(() =>
      installIngressDispatcher({
        hostSuffix: 'dev.example.test',
        routerUrl: 'https://127.0.0.1:1',
      }),
    ).toThrow('routerUrl must be http://<host>:<port>');
  });
});

describe('host matching', () => {
  it.each([
    ['keycloak.dev.example.test', '.dev.example.test', true],
    ['keycloak.dev.example.test', 'dev.example.test', true],
    ['KEYCLOAK.dev.example.test.', 'dev.example.test', true],
    ['dev.example.test', 'dev.example.test', true],
    ['evildev.example.test', 'dev.example.test', false],
    ['keycloak.prod.example.test', 'dev.example.test', false],
  ])('hostUnder(%s, %s) is %s', (host, suffix, expected) => {
    expect(hostUnder(host, suffix)).toBe(expected);
  });

  it.each([
    ['coder.dev.example.test', 'coder.dev.example.test', true],
    ['*.coder.dev.example.test', 'ws-1.coder.dev.example.test', true],
    ['*.coder.dev.example.test', 'a.b.coder.dev.example.test', false],
    ['*.coder.dev.example.test', 'coder.dev.example.test', false],
    ['coder.dev.example.test', 'keycloak.dev.example.test', false],
  ])('Ingress host %s matches %s: %s', (rule, host, expected) => {
    expect(ingressHostMatches(rule, host)).toBe(expected);
  });
});
