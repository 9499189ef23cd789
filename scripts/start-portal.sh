#!/usr/bin/env bash
# Starts the portal locally: backend on :7007, frontend on :3000, SQLite in
# memory, guest sign-in, catalog from catalog-info.yaml and templates/.
# Provisions Node and installs dependencies first when needed.
#
# By default it also starts the local servers (scripts/peers) and seeds a
# local demo cluster on them: a Keycloak realm with 300 users, wal-g and
# restic backups in the GCS emulator, Helm releases in a Kubernetes API
# server, and Coder's contract server with templates and workspaces. The
# cluster is added to the portal with a config overlay and a catalog file
# generated under .peers/local-cluster/.
#
#   scripts/start-portal.sh                      portal + local demo cluster
#   scripts/start-portal.sh --no-local-cluster   portal only (no clusters)
#
# Other arguments go to `yarn start` (e.g. --config my-overlay.yaml, read
# after the generated overlay).
set -euo pipefail
# shellcheck source=scripts/toolchain.sh
source "$(dirname "$0")/toolchain.sh"
bash "$CODER_PLATFORM_ROOT/scripts/install.sh"
cd "$CODER_PLATFORM_ROOT"

local_cluster=1
args=()
for arg in "$@"; do
  case $arg in
    --no-local-cluster) local_cluster=0 ;;
    *) args+=("$arg") ;;
  esac
done

if ((local_cluster == 0)); then
  exec yarn start ${args[@]+"${args[@]}"}
fi

say() { echo "[start-portal] $*" >&2; }
t0=$SECONDS

servers=(keycloak kube helm gcs restic)
# `peers status` takes no lock: when every server already runs, `peers up`
# (which waits for any other up/down in progress) is skipped.
status=$(bash scripts/peers/peers.sh status "${servers[@]}" 2>/dev/null || true)
if [[ -z $status ]] ||
  awk '$2 != "running" && $2 != "ready" { bad = 1 } END { exit !bad }' <<<"$status"; then
  say "starting the local servers (keycloak, kube-apiserver + etcd, helm, GCS emulator, restic)."
  say "A first start on a fresh machine downloads and builds them. The Go builds (fake-gcs-server, etcd,"
  say "kube-apiserver, kube-controller-manager; one at a time, up to 2 GB RAM) set the time, which depends on"
  say "cores and load: measured on 2 shared cores 15 min (2026-11-28, before kube-controller-manager) and"
  say "47 min (2026-12-02, 5 engineers on the machine, every server incl. terraform); see docs/peers.md."
  say "Later starts take seconds."
  bash scripts/peers/peers.sh up "${servers[@]}"
  say "local servers up after $((SECONDS - t0)) s"
else
  say "local servers already running (scripts/peers/peers.sh status)"
fi

peers_dir=${CODER_PLATFORM_PEERS_DIR:-$CODER_PLATFORM_ROOT/.peers}
cluster_dir="$peers_dir/local-cluster"
mkdir -p "$cluster_dir"
ready="$cluster_dir/ready.json"
rm -f "$ready"

say "seeding the local demo cluster (first time ~30 s, then reused); log: $cluster_dir/run.log"
node --require @backstage/cli/config/nodeTransform.cjs \
  scripts/local-cluster/run.ts >"$cluster_dir/run.log" 2>&1 &
cluster_pid=$!
cleanup() {
  if kill -0 "$cluster_pid" 2>/dev/null; then
    kill -TERM "$cluster_pid" 2>/dev/null || true
    wait "$cluster_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

until [[ -f $ready ]]; do
  if ! kill -0 "$cluster_pid" 2>/dev/null; then
    say "the local demo cluster failed to start:"
    tail -n 30 "$cluster_dir/run.log" >&2
    exit 1
  fi
  sleep 0.5
done
grep '^\[local-cluster\]' "$cluster_dir/run.log" | sed 's/^/  /' >&2
say "local demo cluster ready after $((SECONDS - t0)) s; starting the portal (http://localhost:3000)"

# Not exec: the trap stops the cluster's servers when the portal stops.
yarn start --config "$CODER_PLATFORM_ROOT/app-config.yaml" \
  --config "$cluster_dir/app-config.local-cluster.yaml" ${args[@]+"${args[@]}"}
