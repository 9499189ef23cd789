# shellcheck shell=bash
# Kubernetes API server + etcd, built from source through the Go module proxy
# (no prebuilt binaries can be downloaded here). Only the API server runs: no
# controller-manager, scheduler or kubelet. So objects are stored and served
# (namespaces, secrets, configmaps, RBAC, CRDs, ...), but nothing reconciles
# them: no default ServiceAccount per namespace, no pods scheduled, no
# Deployment rollouts.

KUBE_DIR=$PEERS_DIR/kube
KUBE_USER=peers-admin
KUBE_SERVICE_CIDR=10.96.0.0/16 # only allocates ClusterIPs; no traffic goes there

# go_mod_file MODULE@VERSION: prints the path of that module's go.mod in the
# module cache, downloading it when needed (outside any module: no go.mod).
go_mod_file() {
  (cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "$1") |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p'
}

# build_kube_apiserver TMP LOG: k8s.io/kubernetes is not meant to be a
# dependency: its go.mod points every k8s.io/* staging module at
# ./staging/src/..., which a consumer cannot see. A throwaway wrapper module
# re-pins each of them to the published v0.<minor>.<patch> release, then
# builds the command from the module cache.
build_kube_apiserver() {
  local tmp=$1 logf=$2 v=$PEERS_PIN_KUBERNETES
  local staging_v="v0.${v#v1.}" wrap=$tmp/wrapper upstream mods
  mkdir -p "$wrap"
  go_build_env
  log "resolving k8s.io/kubernetes@$v"
  upstream=$(go_mod_file "k8s.io/kubernetes@$v" 2>>"$logf")
  if [[ -z $upstream || ! -f $upstream ]]; then
    fail "obtain" "kube-apiserver: download of k8s.io/kubernetes@$v from the Go module proxy failed" "$logf"
  fi
  mods=$(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\) => \./staging/.*#\1#p' "$upstream")
  [[ -n $mods ]] || fail "obtain" "kube-apiserver: no staging replace directives found in $upstream" "$logf"
  {
    echo "// Written by scripts/peers/kube.sh; throwaway wrapper to build kube-apiserver."
    echo "module peers.local/kube-apiserver-build"
    echo
    # Same language version and GODEBUG defaults as upstream's own builds.
    grep -E '^(go|godebug) ' "$upstream"
    echo
    echo "require k8s.io/kubernetes $v"
    echo
    local m
    for m in $mods; do echo "replace $m => $m $staging_v"; done
  } >"$wrap/go.mod"
  log "wrapper pins $(wc -w <<<"$mods") staging modules at $staging_v; downloading dependencies"
  if ! (cd "$wrap" && go get "k8s.io/kubernetes/cmd/kube-apiserver@$v") >>"$logf" 2>&1; then
    fail "obtain" "kube-apiserver: go get of k8s.io/kubernetes@$v dependencies failed" "$logf"
  fi
  local minor=${v#v1.}
  minor=${minor%%.*}
  local pkg=k8s.io/component-base/version
  local ldflags="-s -w -X $pkg.gitVersion=$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  log "go build kube-apiserver (first time: several minutes, ~2 GB RAM)"
  if ! with_go_lock go_build_in "$wrap" -ldflags="$ldflags" -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver >>"$logf" 2>&1; then
    fail "obtain" "kube-apiserver: go build failed" "$logf"
  fi
  "$tmp/kube-apiserver" --version >>"$logf" 2>&1 || fail "obtain" "kube-apiserver: built binary does not run" "$logf"
}

# build_etcd TMP LOG: etcd's server module has the main package at its root,
# but its go.mod replaces sibling modules with ../ paths, which
# `go install module@version` refuses; a wrapper module requiring it works.
build_etcd() {
  local tmp=$1 logf=$2 v=$PEERS_PIN_ETCD wrap=$1/wrapper upstream
  mkdir -p "$wrap"
  go_build_env
  upstream=$(go_mod_file "go.etcd.io/etcd/server/v3@$v" 2>>"$logf")
  [[ -n $upstream && -f $upstream ]] ||
    fail "obtain" "etcd: download of go.etcd.io/etcd/server/v3@$v from the Go module proxy failed" "$logf"
  {
    echo "// Written by scripts/peers/kube.sh; throwaway wrapper to build etcd."
    echo "module peers.local/etcd-build"
    echo
    grep -E '^go ' "$upstream"
    echo
    echo "require go.etcd.io/etcd/server/v3 $v"
  } >"$wrap/go.mod"
  if ! (cd "$wrap" && go get "go.etcd.io/etcd/server/v3@$v") >>"$logf" 2>&1; then
    fail "obtain" "etcd: go get of go.etcd.io/etcd/server/v3@$v dependencies failed" "$logf"
  fi
  log "go build etcd"
  if ! with_go_lock go_build_in "$wrap" -ldflags="-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3 >>"$logf" 2>&1; then
    fail "obtain" "etcd: go build failed" "$logf"
  fi
  "$tmp/etcd" --version >>"$logf" 2>&1 || fail "obtain" "etcd: built binary does not run" "$logf"
}

kube_obtain() {
  have go || fail "obtain" "kube: 'go' is not on PATH"
  # etcd first: it is small, and the API server needs both anyway.
  KUBE_ETCD_DIR=$(cache_ensure "etcd-$PEERS_PIN_ETCD" build_etcd) ||
    fail "obtain" "etcd: build failed" "$PEERS_LOGS/build-etcd-$PEERS_PIN_ETCD.log"
  KUBE_APISERVER_DIR=$(cache_ensure "kube-apiserver-$PEERS_PIN_KUBERNETES" build_kube_apiserver) ||
    fail "obtain" "kube-apiserver: go build failed" "$PEERS_LOGS/build-kube-apiserver-$PEERS_PIN_KUBERNETES.log"
}

kube_readyz() {
  local PEERS_KUBE_URL PEERS_KUBE_TOKEN PEERS_KUBE_CA_FILE
  # shellcheck disable=SC1091
  source "$KUBE_DIR/env"
  [[ $(curl -sS --max-time 5 --cacert "$PEERS_KUBE_CA_FILE" \
    -H "Authorization: Bearer $PEERS_KUBE_TOKEN" "$PEERS_KUBE_URL/readyz" 2>/dev/null) == ok ]]
}

kube_healthy() {
  [[ -f $KUBE_DIR/env ]] || return 1
  pidfile_alive "$KUBE_DIR/etcd.pid" >/dev/null || return 1
  pidfile_alive "$KUBE_DIR/apiserver.pid" >/dev/null || return 1
  kube_readyz
}

etcd_health() {
  curl -sS --max-time 3 "http://127.0.0.1:$1/health" 2>/dev/null | grep -q '"health":"true"'
}

# A private CA, a serving cert for 127.0.0.1/localhost and the in-cluster
# names, and the service-account signing key pair; all valid 30 days and
# thrown away by `down`.
kube_make_pki() {
  local pki=$1 logf=$2
  mkdir -p "$pki"
  chmod 700 "$pki"
  (
    cd "$pki" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 \
      -subj "/CN=coder-platform-peers-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver"
    cat >apiserver.ext <<'EOF'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
      -out apiserver.crt -days 30 -extfile apiserver.ext
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
  ) >>"$logf" 2>&1
}

kube_write_kubeconfig() {
  local file=$1 url=$2 token=$3 ca=$4
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: peers
  cluster:
    server: $url
    certificate-authority-data: $(base64 -w0 <"$ca")
users:
- name: $KUBE_USER
  user:
    token: $token
contexts:
- name: peers
  context:
    cluster: peers
    user: $KUBE_USER
    namespace: default
current-context: peers
EOF
  chmod 600 "$file"
}

kube_up() {
  mkdir -p "$KUBE_DIR" "$PEERS_LOGS"
  if kube_healthy; then
    log "already running (etcd pid $(pidfile_alive "$KUBE_DIR/etcd.pid"), kube-apiserver pid $(pidfile_alive "$KUBE_DIR/apiserver.pid"))"
    return 0
  fi
  kube_down
  local t0
  t0=$(now)
  kube_obtain
  record_timing obtain "$t0"
  t0=$(now)
  kube_start
  record_timing start "$t0"
}

kube_start() {
  local etcd_port peer_port api_port token
  local pki=$KUBE_DIR/pki logf=$PEERS_LOGS/kube-apiserver.log elog=$PEERS_LOGS/etcd.log
  mkdir -p "$KUBE_DIR"
  : >"$logf"
  : >"$elog"
  etcd_port=$(claim_port) || fail "start" "kube: no free port"
  peer_port=$(claim_port) || fail "start" "kube: no free port"
  api_port=$(claim_port) || fail "start" "kube: no free port"

  # etcd: single member, loopback only; fsync off since the data is disposable.
  spawn "$KUBE_DIR/etcd.pid" "$elog" "$KUBE_ETCD_DIR/etcd" \
    --name peers --data-dir "$KUBE_DIR/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "peers=http://127.0.0.1:$peer_port" \
    --unsafe-no-fsync --log-level warn
  echo "$etcd_port" >"$KUBE_DIR/etcd.port"

  kube_make_pki "$pki" "$logf" || fail "start" "kube-apiserver: openssl could not make the CA/serving certs" "$logf"
  token=$(random_secret)
  # static token file: token,user,uid,"group"; system:masters = cluster-admin.
  printf '%s,%s,%s,"system:masters"\n' "$token" "$KUBE_USER" "$KUBE_USER" >"$pki/tokens.csv"
  chmod 600 "$pki/tokens.csv"

  wait_until 30 "$KUBE_DIR/etcd.pid" "etcd health" etcd_health "$etcd_port" ||
    fail "start" "etcd did not become healthy on 127.0.0.1:$etcd_port" "$elog"

  # --endpoint-reconciler-type=none: the default reconciler would publish
  # 127.0.0.1 as the `kubernetes` Service endpoint, which is invalid there.
  spawn "$KUBE_DIR/apiserver.pid" "$logf" "$KUBE_APISERVER_DIR/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --cert-dir "$pki" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --token-auth-file "$pki/tokens.csv" \
    --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" \
    --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range "$KUBE_SERVICE_CIDR" \
    --endpoint-reconciler-type none \
    --allow-privileged=true \
    --profiling=false
  echo "$api_port" >"$KUBE_DIR/apiserver.port"

  local url="https://127.0.0.1:$api_port"
  kube_write_kubeconfig "$KUBE_DIR/kubeconfig" "$url" "$token" "$pki/ca.crt"
  {
    env_line PEERS_KUBE_URL "$url"
    env_line PEERS_KUBE_TOKEN "$token"
    env_line PEERS_KUBE_USER "$KUBE_USER"
    env_line PEERS_KUBE_CA_FILE "$pki/ca.crt"
    env_line PEERS_KUBE_CA_KEY_FILE "$pki/ca.key"
    env_line PEERS_KUBECONFIG "$KUBE_DIR/kubeconfig"
    env_line PEERS_KUBE_VERSION "$PEERS_PIN_KUBERNETES"
    env_line PEERS_ETCD_URL "http://127.0.0.1:$etcd_port"
    env_line PEERS_ETCD_VERSION "$PEERS_PIN_ETCD"
  } >"$KUBE_DIR/env"

  wait_until 120 "$KUBE_DIR/apiserver.pid" "kube-apiserver /readyz" kube_readyz ||
    fail "health check" "kube-apiserver /readyz on $url did not say ok" "$logf"
  log "ready at $url (kube-apiserver $PEERS_PIN_KUBERNETES, etcd $PEERS_PIN_ETCD)"
}

kube_down() {
  stop_pidfile "$KUBE_DIR/apiserver.pid" TERM 30
  stop_pidfile "$KUBE_DIR/etcd.pid" TERM 20
  rm -rf "$KUBE_DIR"
}

kube_status() {
  status_line etcd "$KUBE_DIR/etcd.pid" "$(cat "$KUBE_DIR/etcd.port" 2>/dev/null || echo -)"
  status_line kube-apiserver "$KUBE_DIR/apiserver.pid" "$(cat "$KUBE_DIR/apiserver.port" 2>/dev/null || echo -)"
}
