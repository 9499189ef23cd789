import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Writes a minimal local chart (one ConfigMap) so `helm install` needs no repository. */
export async function writeLocalChart(chart: {
  name: string;
  version: string;
  appVersion?: string;
}): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'chart-')), chart.name);
  await mkdir(join(dir, 'templates'), { recursive: true });
  await writeFile(
    join(dir, 'Chart.yaml'),
    `apiVersion: v2\nname: ${chart.name}\nversion: ${chart.version}\n${
      chart.appVersion ? `appVersion: "${chart.appVersion}"\n` : ''
    }type: application\n`,
  );
  await writeFile(join(dir, 'values.yaml'), 'greeting: hello\n');
  await writeFile(
    join(dir, 'templates', 'configmap.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
  );
  return dir;
}

/** `helm upgrade --install` with the real helm binary against a kubeconfig. */
export async function helmUpgradeInstall(options: {
  helmBin: string;
  kubeconfig: string;
  release: string;
  namespace: string;
  chartDir: string;
  set?: Record<string, string>;
}): Promise<void> {
  const args = [
    'upgrade',
    '--install',
    options.release,
    options.chartDir,
    '--namespace',
    options.namespace,
    '--create-namespace',
    '--kubeconfig',
    options.kubeconfig,
    ...Object.entries(options.set ?? {}).flatMap(([k, v]) => [
      '--set',
      `${k}=${v}`,
    ]),
  ];
  try {
    await run(options.helmBin, args, { timeout: 120_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(
      `helm ${args.slice(0, 3).join(' ')} failed: ${stderr.trim()}`,
    );
  }
}

/** `helm uninstall`, ignoring releases that are already gone. */
export async function helmUninstall(options: {
  helmBin: string;
  kubeconfig: string;
  release: string;
  namespace: string;
}): Promise<void> {
  await run(
    options.helmBin,
    [
      'uninstall',
      options.release,
      '--namespace',
      options.namespace,
      '--kubeconfig',
      options.kubeconfig,
      '--ignore-not-found',
    ],
    { timeout: 120_000 },
  );
}
