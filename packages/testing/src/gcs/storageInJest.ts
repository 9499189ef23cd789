/**
 * `@google-cloud/storage` 8 sends its requests through teeny-request, which
 * loads node-fetch with a dynamic `import()`. Jest (without
 * --experimental-vm-modules, which breaks the static imports of the other ESM
 * clients) cannot run a dynamic import, so every request fails with "A dynamic
 * import callback was invoked without --experimental-vm-modules".
 *
 * teeny-request ships a second transport built on node:http for runtimes that
 * have no usable node-fetch; it selects it when `globalThis.Bun` exists. Tests
 * that talk to the GCS emulator through the official client call this in
 * `beforeAll` and `restore()` in `afterAll`. Production (Node 22+, real ESM
 * import) is unaffected.
 */
export function useNodeHttpTransportForStorage(): { restore(): void } {
  const global = globalThis as { Bun?: unknown };
  const had = 'Bun' in global;
  if (!had) global.Bun = { coderPlatformJestShim: true };
  return {
    restore() {
      if (!had) delete global.Bun;
    },
  };
}
