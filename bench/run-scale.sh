#!/usr/bin/env bash
# The scale benchmarks of issue 13, in one command (not part of the test
# tiers): each prints a table and appends it, with the machine and the command,
# to docs/benchmarks.md. Starts the local servers it needs.
#
#   bash bench/run-scale.sh            all of them
#   BENCH_WAL_OBJECTS=20000,200000 bash bench/run-scale.sh   (backups bench sizes;
#                                      default 20000,200000,2000000)
#   BENCH_SIZE_TIMEOUT_MINUTES=40 ...  per backups size, from the first object
#                                      written (default 25); a size that runs
#                                      out reports how far it got
#   BENCH_KEYCLOAK_USERS=5000 bash bench/run-scale.sh
#
# The backups bench needs Go (as `yarn peers up gcs` does) to build
# bench/lib/gcsfs, and about 1 inode and 8 KiB of disk (data block + xattr
# block) per WAL object in $TMPDIR while it runs (2,000,000: ~16 GB, removed
# afterwards).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/toolchain.sh
source "$root/scripts/toolchain.sh"
cd "$root"
bash scripts/peers/peers.sh up postgres keycloak gcs redis
run() { node --require @backstage/cli/config/nodeTransform.cjs "$@"; }
# 1 + 4: backups view at three WAL sizes, with the backend's memory.
# BENCH_WAL_SIZES (space-separated) is the older name of BENCH_WAL_OBJECTS.
BENCH_WAL_OBJECTS=${BENCH_WAL_OBJECTS:-${BENCH_WAL_SIZES:-20000,200000,2000000}} \
  run bench/scale-backups.ts
# 2 + 4: Keycloak users on a 20,000-user realm, 20 concurrent viewers.
run bench/scale-keycloak.ts "${BENCH_KEYCLOAK_USERS:-20000}"
# 3: dry run of the full cluster template through the real scaffolder.
if [[ -f bench/template-dry-run.ts ]]; then
  run bench/template-dry-run.ts
fi
echo "figures appended to docs/benchmarks.md"
