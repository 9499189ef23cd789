import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { create } from 'tar';

const SKIPPED = new Set(['.git', '.terraform']);

async function listFiles(root: string, dir = root): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(root, path)));
    else if (entry.isFile()) files.push(relative(root, path));
  }
  return files;
}

/**
 * A reproducible tar of a template directory: files sorted, portable
 * headers, a fixed mtime; `.git` and `.terraform` left out. The same content
 * always gives the same bytes, so its hash tells whether anything changed.
 */
export async function tarTemplateDirectory(
  dir: string,
): Promise<{ archive: Buffer; sha256: string; files: number }> {
  const files = (await listFiles(dir)).sort();
  if (files.length === 0) {
    throw new Error(`the template directory ${dir} contains no files`);
  }
  const chunks: Buffer[] = [];
  const stream = create(
    {
      cwd: dir,
      portable: true,
      mtime: new Date(0),
      noDirRecurse: true,
    },
    files,
  );
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(Buffer.from(chunk));
  }
  const archive = Buffer.concat(chunks);
  return {
    archive,
    sha256: createHash('sha256').update(archive).digest('hex'),
    files: files.length,
  };
}
