import { createMockDirectory } from '@backstage/backend-test-utils';
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import {
  BUNDLED_CODER_TEMPLATES,
  bundledCoderTemplatePath,
  createCoderTemplateFetchAction,
} from './coderTemplateFetch';
import { mockContext } from './__testUtils__/context';

const PACKAGE_DIR = path.resolve(__dirname, '../../..');
const devbox = bundledCoderTemplatePath('devbox');
const bundledFiles = readdirSync(devbox).sort();
const bundled = (file: string) => readFileSync(path.join(devbox, file), 'utf8');

describe('coder:template:fetch', () => {
  const workspace = createMockDirectory();
  const outside = createMockDirectory();
  const action = createCoderTemplateFetchAction();
  beforeEach(() => {
    workspace.clear();
    outside.clear();
  });

  const run = async (
    input: Record<string, unknown>,
    extra: { isDryRun?: boolean } = {},
  ) => {
    const ctx = mockContext(input, { ...extra, workspacePath: workspace.path });
    await action.handler(ctx);
    return { ctx, outputs: Object.fromEntries(ctx.output.mock.calls) };
  };

  it('lists every folder of coder-templates/ and ships them in the package', () => {
    expect(
      readdirSync(path.join(PACKAGE_DIR, 'coder-templates')).sort(),
    ).toEqual([...BUNDLED_CODER_TEMPLATES].sort());
    const manifest = JSON.parse(
      readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'),
    );
    expect(manifest.files).toContain('coder-templates');
    expect(devbox).toBe(path.join(PACKAGE_DIR, 'coder-templates', 'devbox'));
    expect(bundledFiles).toEqual(
      expect.arrayContaining(['main.tf', 'variables.tf', 'versions.tf']),
    );
  });

  it('offers exactly the bundled templates in its input schema', () => {
    const schema = action.schema?.input as any;
    expect(schema.properties.template.enum).toEqual([
      ...BUNDLED_CODER_TEMPLATES,
    ]);
    expect(schema.required).toEqual(
      expect.arrayContaining(['template', 'targetPath']),
    );
  });

  it.each([
    ['coder-template', 'coder-template'],
    ['coder-templates/devbox', 'coder-templates/devbox'],
    ['./nested/../coder-template/', 'coder-template'],
    ['.', '.'],
  ])(
    'copies the devbox files byte for byte to %j',
    async (targetPath, written) => {
      const { ctx, outputs } = await run({ template: 'devbox', targetPath });
      expect(outputs.targetPath).toBe(written);
      expect(outputs.files).toEqual(bundledFiles);
      expect(outputs.contentSha256).toMatch(/^[0-9a-f]{64}$/);
      const content = workspace.content({
        path: written,
        shouldReadAsText: true,
      })!;
      for (const file of bundledFiles) {
        expect(content[file]).toBe(bundled(file));
      }
      expect(ctx.logger.info).toHaveBeenCalledWith(
        `copied the Coder template devbox (${bundledFiles.length} files) to ${written}`,
      );
    },
  );

  it('writes the same files in a dry run (the push step reads them)', async () => {
    const { ctx, outputs } = await run(
      { template: 'devbox', targetPath: 'coder-template' },
      { isDryRun: true },
    );
    expect(outputs.files).toEqual(bundledFiles);
    expect(
      workspace.content({ path: 'coder-template', shouldReadAsText: true })![
        'main.tf'
      ],
    ).toBe(bundled('main.tf'));
    expect(ctx.logger.info).toHaveBeenCalledWith(
      expect.stringMatching(/^dry run: copied the Coder template devbox/),
    );
  });

  it('a re-run writes the bundled bytes again over a changed copy, with the same outputs', async () => {
    const first = await run({ template: 'devbox', targetPath: 'tf' });
    workspace.addContent({ 'tf/main.tf': '# edited by an earlier step\n' });
    const second = await run({ template: 'devbox', targetPath: 'tf' });
    expect(second.outputs).toEqual(first.outputs);
    expect(
      workspace.content({ path: 'tf', shouldReadAsText: true })!['main.tf'],
    ).toBe(bundled('main.tf'));
  });

  it.each([
    ['/etc/coder', 'must be a path relative to the task workspace'],
    ['C:\\coder', 'must be a path relative to the task workspace'],
    ['../outside', 'leads outside the task workspace'],
    ['coder/../../outside', 'leads outside the task workspace'],
  ])('refuses targetPath %j naming the field', async (targetPath, message) => {
    await expect(run({ template: 'devbox', targetPath })).rejects.toThrow(
      `coder:template:fetch: targetPath "${targetPath}" ${message}`,
    );
    expect(workspace.content()).toEqual({});
  });

  it('refuses a target folder that is a symlink out of the workspace, writing nothing there', async () => {
    symlinkSync(outside.path, path.join(workspace.path, 'coder-template'));
    await expect(
      run({ template: 'devbox', targetPath: 'coder-template' }),
    ).rejects.toThrow(
      'coder:template:fetch: targetPath "coder-template" leads outside the task workspace',
    );
    expect(outside.content()).toEqual({});
  });

  it('refuses a file of the target that is a symlink out of the workspace', async () => {
    mkdirSync(path.join(workspace.path, 'tf'));
    symlinkSync(
      path.join(outside.path, 'stolen.tf'),
      path.join(workspace.path, 'tf', 'main.tf'),
    );
    await expect(run({ template: 'devbox', targetPath: 'tf' })).rejects.toThrow(
      'leads outside the task workspace',
    );
    expect(outside.content()).toEqual({});
  });
});
