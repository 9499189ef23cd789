import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The test charts under packages/testing/fixtures/charts. */
export const chartsDir = resolve(
  __dirname,
  '../../../../../../packages/testing/fixtures/charts',
);

/**
 * Packages a fixture chart at several versions with the real helm binary,
 * indexes them and serves the folder as a chart repository over HTTP.
 */
export async function startChartRepo(
  helmBin: string,
  chart: string,
  versions: { version: string; appVersion: string }[],
) {
  const dir = mkdtempSync(join(tmpdir(), 'chart-repo-'));
  const env = {
    ...process.env,
    HELM_CACHE_HOME: join(dir, '.cache'),
    HELM_CONFIG_HOME: join(dir, '.config'),
    HELM_DATA_HOME: join(dir, '.data'),
  };
  for (const v of versions) {
    execFileSync(
      helmBin,
      [
        'package',
        join(chartsDir, chart),
        '-d',
        join(dir, 'repo'),
        '--version',
        v.version,
        '--app-version',
        v.appVersion,
      ],
      { env, stdio: 'pipe' },
    );
  }
  const server = createServer((req, res) => {
    const file = join(dir, 'repo', (req.url ?? '/').split('?')[0]);
    try {
      const body = readFileSync(file);
      res.writeHead(200);
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  execFileSync(helmBin, ['repo', 'index', join(dir, 'repo'), '--url', url], {
    env,
    stdio: 'pipe',
  });
  return {
    url,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>(r => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
