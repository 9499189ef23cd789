/**
 * The demo cluster's Coder deployment: Coder's contract server (Coder itself
 * cannot run here), given an owner, templates pushed through its REST API
 * the way `coder templates push` does, and workspaces of realm users.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoderClient } from '@coder-platform/plugin-coder-platform-node';
import { CoderContractServer } from '@coder-platform/testing';
import { CODER_TEMPLATES, DemoTemplate, demoWorkspaces } from './demoCluster';

const run = promisify(execFile);

function mainTf(template: DemoTemplate): string {
  return `terraform {
  required_providers {
    coder      = { source = "coder/coder" }
    kubernetes = { source = "hashicorp/kubernetes" }
  }
}

variable "namespace" {
  type    = string
  default = "coder-workspaces"
}

locals {
  image = "${template.image}"
}

data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}
`;
}

/** A template directory as the tar archive Coder stores. */
async function templateArchive(template: DemoTemplate): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), `coder-template-${template.name}-`));
  try {
    await writeFile(join(dir, 'main.tf'), mainTf(template));
    const { stdout } = await run('tar', ['-cf', '-', '-C', dir, 'main.tf'], {
      encoding: 'buffer',
      maxBuffer: 1024 * 1024,
    });
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function pushTemplate(client: CoderClient, template: DemoTemplate) {
  const fileId = await client.uploadFile(await templateArchive(template));
  const version = await client.createTemplateVersion('default', {
    file_id: fileId,
    storage_method: 'file',
    provisioner: 'terraform',
    message: `image ${template.image}`,
  });
  // Wait for the import job, as `coder templates push` does.
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await client.getTemplateVersion(version.id);
    if (current.job.status === 'succeeded') break;
    if (current.job.status === 'failed') {
      throw new Error(
        `coder: template ${template.name} failed to import: ${current.job.error}`,
      );
    }
    await new Promise(r => setTimeout(r, 50));
  }
  await client.createTemplate('default', {
    name: template.name,
    display_name: template.displayName,
    description: template.description,
    template_version_id: version.id,
    default_ttl_ms: 8 * 3600_000,
  });
}

/** Starts the contract server with the demo's owner, templates and workspaces. */
export async function startDemoCoder(now: Date) {
  const coder = await CoderContractServer.start({ version: 'v2.25.1' });
  const token = coder.seedFirstUser({
    email: 'platform-admin@example.com',
    username: 'platform-admin',
    password: `local-${Math.random().toString(36).slice(2)}`,
  });
  const client = new CoderClient({ baseUrl: coder.url, sessionToken: token });
  for (const template of CODER_TEMPLATES) {
    await pushTemplate(client, template);
  }
  const workspaces = demoWorkspaces(now);
  for (const w of workspaces) {
    coder.addWorkspace({
      name: w.name,
      owner_name: w.owner,
      template_name: w.template.name,
      template_display_name: w.template.displayName,
      outdated: w.outdated,
      last_used_at: w.lastUsedAt,
      health: {
        healthy: w.status !== 'failed',
        failing_agents: [],
      },
      latest_build: {
        id: `build-${w.name}`,
        build_number: 3,
        status: w.status,
        transition: w.status === 'stopped' ? 'stop' : 'start',
        created_at: w.lastUsedAt,
        job: {
          id: `job-${w.name}`,
          status: w.status === 'failed' ? 'failed' : 'succeeded',
          created_at: w.lastUsedAt,
          file_id: `file-${w.template.name}`,
          queue_position: 0,
          queue_size: 0,
          tags: {},
        },
        resources: [],
      },
    });
  }
  return { coder, token, workspaces };
}
