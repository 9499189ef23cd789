import { parseEntityYaml } from '@backstage/plugin-catalog-node';
import fs from 'node:fs';
import path from 'node:path';
import {
  ADMIN_TEMPLATE_TAG,
  DEFAULT_USER_ACTIONS,
  isProvisioningAction,
} from './config';

/**
 * The suite's own templates against the policy: a template that a non-admin
 * can see must be one it can run, and one it cannot run must be hidden.
 */
const templatesDir = path.resolve(__dirname, '../../../templates');

const templates = fs
  .readdirSync(templatesDir, { withFileTypes: true })
  .filter(entry => entry.isDirectory())
  .map(entry => path.join(templatesDir, entry.name, 'template.yaml'))
  .filter(file => fs.existsSync(file))
  .map(file => {
    const [result] = [
      ...parseEntityYaml(fs.readFileSync(file), { type: 'file', target: file }),
    ];
    if (result?.type !== 'entity') {
      throw new Error(`${file} is not one entity`);
    }
    const entity = result.entity as any;
    const actions: string[] = (entity.spec?.steps ?? []).map(
      (step: { action: string }) => step.action,
    );
    const tags: string[] = entity.metadata.tags ?? [];
    return {
      name: entity.metadata.name as string,
      adminOnly: tags.includes(ADMIN_TEMPLATE_TAG),
      actions,
    };
  });

/** The templates the brief names as platform-admin only. */
const ADMIN_TEMPLATES = [
  'coder-development-cluster',
  'coder-cluster-teardown',
  'postgres-restore',
  'gcp-project-bootstrap',
];

describe('templates/ and the permission policy', () => {
  it('finds workspace-image among the templates', () => {
    expect(templates.map(t => t.name)).toContain('workspace-image');
  });

  it.each(templates.map(t => [t.name, t] as const))(
    '%s: tagged admin-only if it provisions, runnable by everyone if untagged',
    (name, template) => {
      const mustBeHidden =
        ADMIN_TEMPLATES.includes(name) ||
        template.actions.some(isProvisioningAction);
      const closedToOthers = template.actions.filter(
        action => !DEFAULT_USER_ACTIONS.includes(action),
      );
      expect({
        name,
        missingAdminTag: mustBeHidden && !template.adminOnly,
        visibleButNotRunnable: template.adminOnly ? [] : closedToOthers,
      }).toEqual({ name, missingAdminTag: false, visibleButNotRunnable: [] });
    },
  );
});
