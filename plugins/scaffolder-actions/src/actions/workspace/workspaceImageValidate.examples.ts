import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Validate the form of the workspace-image template before anything renders (the first step); the cluster Resource is looked up in the catalog and must name a cluster of coderPlatform.clusters or an allowed GKE cluster; with backup on it must carry coder-platform.io/backup-bucket and coder-platform.io/restic-prefix, which become the resticRepositoryPrefix output',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'coder-platform:workspace-image:validate',
          name: 'Validate the request',
          input: {
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
            repoUrl: 'github.com?owner=acme&repo=java-training',
          },
        },
      ],
    }),
  },
  {
    description:
      'A lean image without Docker sidecar or backups, pushed to a registry of your own',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'coder-platform:workspace-image:validate',
          name: 'Validate the request',
          input: {
            name: 'python-data',
            owner: 'group:default/data-team',
            baseImage: 'python:3.13-slim-bookworm',
            packages: ['build-essential'],
            extensions: ['ms-python.python', 'ms-toolsai.jupyter'],
            cpu: 1.5,
            memoryGib: 4,
            homeDiskGib: 10,
            docker: false,
            backup: false,
            ttlHours: 4,
            cluster: 'resource:default/dev-eu1',
            repoUrl: 'github.com?owner=acme&repo=python-data',
            imageRegistry: 'registry.example.com/workspaces',
          },
        },
      ],
    }),
  },
  {
    description:
      'A cluster discovered from its coder-cluster Resource (coder-platform.io/gke-cluster in an allowed project): outputs clusterTarget, the GKE resource name coder:template:push takes',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'coder-platform:workspace-image:validate',
          name: 'Validate the request',
          input: {
            name: 'go-services',
            owner: 'group:default/developers',
            baseImage: 'golang:1.25-bookworm',
            packages: ['git', 'make'],
            extensions: ['golang.go'],
            cpu: 4,
            memoryGib: 8,
            homeDiskGib: 30,
            docker: true,
            backup: true,
            backupCron: '30 */4 * * *',
            ttlHours: 12,
            cluster: 'resource:platform/dev-eu2',
            repoUrl: 'github.com?owner=acme&repo=go-services',
          },
        },
      ],
    }),
  },
];
