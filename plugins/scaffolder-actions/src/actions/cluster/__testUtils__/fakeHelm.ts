import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes a stand-in `helm` executable (a shell script) that records its
 * arguments and answers like helm 4 does for a release that does not exist;
 * `upgrade` prints `upgradeStderr` and fails when given.
 */
export function fakeHelm(options: { upgradeStderr?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fake-helm-'));
  const log = join(dir, 'calls.log');
  const script = `#!/bin/sh
echo "$*" >> '${log}'
case "$1" in
  version) echo "v4.1.4+gfake"; exit 0 ;;
  get) echo "Error: release: not found" >&2; exit 1 ;;
  upgrade)
    ${
      options.upgradeStderr
        ? `printf '%s\\n' '${options.upgradeStderr.replace(
            /'/g,
            '',
          )}' >&2; exit 1`
        : 'exit 0'
    } ;;
esac
exit 0
`;
  const bin = join(dir, 'helm');
  writeFileSync(bin, script);
  chmodSync(bin, 0o755);
  return {
    bin,
    calls: (): string[] => {
      try {
        return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
  };
}
