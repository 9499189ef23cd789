import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// The real publish:github, installed in packages/backend; not declared here
// because the lockfile must not change.
// eslint-disable-next-line @backstage/no-undeclared-imports
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import coderPlatformActions from '@coder-platform/plugin-scaffolder-backend-module-coder-platform';
import fs from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { parse, stringify } from 'yaml';
import { TEMPLATES_DIR } from './suiteTemplates';

/** The workspace-image template folder (template.yaml, skeleton/; its Coder template is the bundled devbox). */
export const WORKSPACE_IMAGE_DIR = path.join(TEMPLATES_DIR, 'workspace-image');

export const DEVELOPER = 'user:default/dana';

/** Valid form values (every page), for a repository on `host`. */
export function validValues(host = 'github.com') {
  return {
    name: 'java-training',
    description: 'Java 21 and Maven for the training',
    owner: 'group:default/developers',
    baseImage: 'ubuntu:24.04',
    packages: ['git', 'curl', 'openjdk-21-jdk', 'maven'],
    extensions: ['vscjava.vscode-java-pack', 'redhat.vscode-yaml'],
    cpu: 2,
    memoryGib: 8,
    homeDiskGib: 20,
    docker: true,
    backup: true,
    backupCron: '15 * * * *',
    ttlHours: 8,
    cluster: 'resource:default/dev-eu1',
    repoUrl: `${host}?owner=acme&repo=java-training`,
  };
}

/** The coder-cluster Resource the cluster template registers (names only). */
export const clusterResource = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'dev-eu1',
    annotations: {
      'coder-platform.io/cluster': 'dev-eu1',
      'coder-platform.io/backup-bucket': 'acme-coder-backups',
      'coder-platform.io/restic-prefix': 'coder/dev-eu1',
    },
  },
  spec: { type: 'coder-cluster', owner: 'group:default/platform-team' },
};

/**
 * A coder-cluster Resource naming the configured dev-eu1 without its backup
 * bucket and restic prefix (registered by hand): the validate step refuses
 * `backup: true` on it and passes `backup: false`.
 */
export const clusterWithoutBackups = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'dev-eu1-plain',
    annotations: { 'coder-platform.io/cluster': 'dev-eu1' },
  },
  spec: { type: 'coder-cluster', owner: 'group:default/platform-team' },
};

/**
 * Entities an API caller may name as `cluster` that are no cluster the
 * backend may target: another kind, a Resource of another spec.type, and a
 * coder-cluster Resource naming a cluster that is neither configured nor an
 * allowed GKE cluster.
 */
export const notClusters = {
  component: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'java-app',
      annotations: { 'coder-platform.io/cluster': 'dev-eu1' },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/developers',
    },
  },
  database: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'orders-db',
      annotations: { 'coder-platform.io/cluster': 'dev-eu1' },
    },
    spec: { type: 'database', owner: 'group:default/data-team' },
  },
  unknown: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'dev-us9',
      annotations: { 'coder-platform.io/cluster': 'dev-us9' },
    },
    spec: { type: 'coder-cluster', owner: 'group:default/platform-team' },
  },
};

/** Every file of the template folder, as the dry-run endpoint takes them. */
export function directoryContents(dir = WORKSPACE_IMAGE_DIR) {
  const files: { path: string; base64Content: string }[] = [];
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), {
      withFileTypes: true,
    })) {
      const rel = path.posix.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else
        files.push({
          path: rel,
          base64Content: fs
            .readFileSync(path.join(dir, rel))
            .toString('base64'),
        });
    }
  };
  walk('');
  return files;
}

/** The template entity as template.yaml holds it. */
export function templateEntity(): any {
  return parse(
    fs.readFileSync(path.join(WORKSPACE_IMAGE_DIR, 'template.yaml'), 'utf8'),
  );
}

/** The same template with every pattern, bound and enum removed: a form that validates nothing. */
export function templateWithoutFormChecks(): any {
  const entity = templateEntity();
  const strip = (schema: any): any => {
    if (Array.isArray(schema)) return schema.map(strip);
    if (!schema || typeof schema !== 'object') return schema;
    const out: any = {};
    for (const [key, value] of Object.entries(schema)) {
      if (
        [
          'pattern',
          'maxLength',
          'maxItems',
          'uniqueItems',
          'minimum',
          'maximum',
          'multipleOf',
          'required',
          'type',
        ].includes(key)
      ) {
        continue;
      }
      out[key] = strip(value);
    }
    return out;
  };
  entity.spec.parameters = strip(entity.spec.parameters);
  return entity;
}

/** Lets the catalog accept Template entities (the scaffolder's own validator). */
const templateKindModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-template-kind',
  register(reg) {
    reg.registerInit({
      deps: { processing: catalogProcessingExtensionPoint },
      async init({ processing }) {
        processing.addProcessor({
          getProcessorName: () => 'TestTemplateKindProcessor',
          validateEntityKind: entity =>
            templateEntityV1beta3Validator.check(entity),
        });
      },
    });
  },
});

/**
 * The real scaffolder and catalog backends with the suite's actions module
 * and the GitHub module, in process. The catalog reads the workspace-image
 * template from templates/ and the cluster Resource from a file.
 */
export async function startWorkspaceImageBackend(config: Record<string, any>) {
  const dir = await mkdtemp(path.join(tmpdir(), 'workspace-image-catalog-'));
  const clusterFile = path.join(dir, 'cluster.yaml');
  await writeFile(
    clusterFile,
    [clusterResource, clusterWithoutBackups, ...Object.values(notClusters)]
      .map(e => stringify(e))
      .join('---\n'),
  );
  // The same template without the form's checks, as anyone may register one.
  const unchecked = templateWithoutFormChecks();
  unchecked.metadata.name = 'workspace-image-unchecked';
  const uncheckedFile = path.join(dir, 'unchecked-template.yaml');
  await writeFile(uncheckedFile, stringify(unchecked));
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      catalogPlugin,
      templateKindModule,
      coderPlatformActions,
      githubModule,
      mockServices.rootConfig.factory({
        data: {
          ...config,
          catalog: {
            rules: [
              { allow: ['Template', 'Component', 'Resource', 'Location'] },
            ],
            locations: [
              { type: 'file', target: clusterFile },
              { type: 'file', target: uncheckedFile },
              {
                type: 'file',
                target: path.join(WORKSPACE_IMAGE_DIR, 'template.yaml'),
              },
            ],
            processingInterval: { seconds: 1 },
          },
        },
      }),
    ],
  });
  const server = backend.server;
  let last = '';
  await waitFor(
    async () => {
      const res = await api(
        server,
        'GET',
        '/api/catalog/entities/by-name/resource/default/dev-eu1',
      );
      const tpl = await api(
        server,
        'GET',
        '/api/catalog/entities/by-name/template/default/workspace-image',
      );
      const others = await Promise.all(
        [clusterWithoutBackups, ...Object.values(notClusters)].map(e =>
          api(
            server,
            'GET',
            `/api/catalog/entities/by-name/${e.kind.toLowerCase()}/default/${
              e.metadata.name
            }`,
          ),
        ),
      );
      last = `${res.status} ${JSON.stringify(res.body).slice(0, 300)} / ${
        tpl.status
      } ${JSON.stringify(tpl.body).slice(0, 300)}`;
      return (
        res.status === 200 &&
        tpl.status === 200 &&
        others.every(o => o.status === 200)
      );
    },
    () =>
      `the catalog did not ingest the cluster Resources, the Component and the template; last answers: ${last}`,
  );
  return { backend, server };
}

/** A request to the in-process backend as the developer; the body parsed as JSON. */
export async function api(
  server: any,
  method: 'GET' | 'POST',
  urlPath: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
    method,
    headers: {
      authorization: mockCredentials.user.header(DEVELOPER),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed };
}

/** Polls `check` until it is true (at most ~60 s). */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string | (() => string),
): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (await check()) return;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(typeof what === 'string' ? what : what());
}

/** POST /api/scaffolder/v2/dry-run as the developer. */
export function dryRun(
  server: any,
  template: any,
  values: Record<string, unknown>,
) {
  return api(server, 'POST', '/api/scaffolder/v2/dry-run', {
    template,
    values,
    directoryContents: directoryContents(),
  });
}

/** Decoded files of a dry-run response, by path. */
export function renderedFiles(body: any): Record<string, string> {
  return Object.fromEntries(
    (body.directoryContents as { path: string; base64Content: string }[]).map(
      f => [f.path, Buffer.from(f.base64Content, 'base64').toString('utf8')],
    ),
  );
}
