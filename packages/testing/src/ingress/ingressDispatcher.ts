import { connect as netConnect } from 'node:net';
// The dispatcher of Node's own fetch comes from undici (the version Node 24 bundles).
import {
  Agent,
  buildConnector,
  Dispatcher,
  getGlobalDispatcher,
  setGlobalDispatcher,
} from 'undici';

/** Options of {@link installIngressDispatcher}. */
export interface IngressDispatcherOptions {
  /**
   * Hosts equal to it or ending in `.<hostSuffix>` (e.g. `dev.example.com`
   * for `keycloak.dev.example.com`) go to the router.
   */
  hostSuffix: string;
  /** The {@link IngressRouter}'s URL (`http://127.0.0.1:<port>`). */
  routerUrl: string;
}

/** What {@link installIngressDispatcher} installed. */
export interface IngressDispatcher {
  /** The dispatcher now global (the one `fetch` uses). */
  dispatcher: Dispatcher;
  /** Puts back the global dispatcher that was there before, and closes this one. */
  uninstall(): Promise<void>;
}

/** Where undici (the package and Node's copy of it) keeps the global dispatcher. */
const DISPATCHER_KEYS = [
  Symbol.for('undici.globalDispatcher.2'),
  Symbol.for('undici.globalDispatcher.1'),
];

/**
 * The global object of the realm the global `fetch` comes from, when it is
 * not this one: under jest, a test's context gets Node's `fetch` from the
 * process's own realm, where Node's undici looks for the dispatcher.
 */
function fetchRealm(): Record<symbol, unknown> | undefined {
  if (typeof fetch !== 'function') return undefined;
  const realm = (fetch.constructor as FunctionConstructor)(
    'return globalThis',
  )() as Record<symbol, unknown>;
  return realm === (globalThis as unknown) ? undefined : realm;
}

function setDispatcherIn(realm: Record<symbol, unknown>, value: unknown) {
  for (const key of DISPATCHER_KEYS)
    Object.defineProperty(realm, key, {
      value,
      writable: true,
      enumerable: false,
      configurable: false,
    });
}

/** Whether `hostname` is `suffix` or a name under it. */
export function hostUnder(hostname: string, suffix: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const s = suffix.toLowerCase().replace(/^\.|\.$/g, '');
  return host === s || host.endsWith(`.${s}`);
}

/**
 * Makes this process's public hosts of a new cluster resolve to the
 * {@link IngressRouter} (the test's DNS and load balancer): the global
 * undici dispatcher, which Node's `fetch` uses, becomes an Agent whose
 * connections to hosts under `hostSuffix` are plain TCP connections to the
 * router's port, also for `https:` URLs (TLS ends at the load balancer; the
 * request itself, its `Host` header included, is unchanged). Every other
 * host goes through undici's default connector as before. Clients that
 * bring their own dispatcher or use `node:http` are not affected. Under
 * jest the dispatcher is also set where Node's own `fetch` reads it (the
 * realm outside the test's context).
 */
export function installIngressDispatcher(
  options: IngressDispatcherOptions,
): IngressDispatcher {
  const router = new URL(options.routerUrl);
  if (router.protocol !== 'http:' || !router.port)
    throw new Error(
      `installIngressDispatcher: routerUrl must be http://<host>:<port>, got ${options.routerUrl}`,
    );
  if (!options.hostSuffix.replace(/^\.|\.$/g, ''))
    throw new Error('installIngressDispatcher: hostSuffix is empty');
  const defaultConnect = buildConnector({});
  const connect: buildConnector.connector = (opts, callback) => {
    if (!hostUnder(opts.hostname, options.hostSuffix)) {
      defaultConnect(opts, callback);
      return;
    }
    const socket = netConnect({
      host: router.hostname,
      port: Number(router.port),
    });
    socket.setNoDelay(true);
    const fail = (error: Error) => callback(error, null);
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.off('error', fail);
      callback(null, socket);
    });
  };
  const previous = getGlobalDispatcher();
  const dispatcher = new Agent({ connect });
  setGlobalDispatcher(dispatcher);
  const realm = fetchRealm();
  const previousInRealm = realm?.[DISPATCHER_KEYS[1]];
  if (realm) setDispatcherIn(realm, dispatcher);
  return {
    dispatcher,
    async uninstall() {
      if (getGlobalDispatcher() === dispatcher) setGlobalDispatcher(previous);
      if (realm && realm[DISPATCHER_KEYS[1]] === dispatcher)
        setDispatcherIn(realm, previousInRealm);
      await dispatcher.close();
    },
  };
}
