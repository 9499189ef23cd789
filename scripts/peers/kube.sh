# shellcheck shell=bash
# Kubernetes API server + etcd + kube-controller-manager, built from source
# through the Go module proxy (no prebuilt binaries can be downloaded here).
# No scheduler or kubelet: objects are stored, served and reconciled by the
# controllers (namespace deletion finishes, owner references are garbage
# collected, every namespace gets its `default` ServiceAccount and
# `kube-root-ca.crt`), but no Pod is ever scheduled or run, so Deployments
# never roll out.

KUBE_DIR=$PEERS_DIR/kube
KUBE_USER=peers-admin
KUBE_SERVICE_CIDR=10.96.0.0/16 # only allocates ClusterIPs; no traffic goes there

# go_mod_file MODULE@VERSION: prints the path of that module's go.mod in the
# module cache, downloading it when needed (outside any module: no go.mod).
go_mod_file() {
  (cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "$1") |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p'
}

# build_kube_command TMP LOG COMMAND: k8s.io/kubernetes is not meant to be a
# dependency: its go.mod points every k8s.io/* staging module at
# ./staging/src/..., which a consumer cannot see. A throwaway wrapper module
# re-pins each of them to the published v0.<minor>.<patch> release, then
# builds k8s.io/kubernetes/cmd/COMMAND from the module cache. The API server
# and the controller-manager share modules and most packages, so the second
# build reuses Go's module and build caches.
build_kube_command() {
  local tmp=$1 logf=$2 cmd=$3 v=$PEERS_PIN_KUBERNETES
  local staging_v="v0.${v#v1.}" wrap=$tmp/wrapper upstream mods
  mkdir -p "$wrap"
  go_build_env
  log "resolving k8s.io/kubernetes@$v"
  upstream=$(go_mod_file "k8s.io/kubernetes@$v" 2>>"$logf")
  if [[ -z $upstream || ! -f $upstream ]]; then
    fail "obtain" "$cmd: download of k8s.io/kubernetes@$v from the Go module proxy failed" "$logf"
  fi
  mods=$(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\) => \./staging/.*#\1#p' "$upstream")
  [[ -n $mods ]] || fail "obtain" "$cmd: no staging replace directives found in $upstream" "$logf"
  {
    echo "// Written by scripts/peers/kube.sh; throwaway wrapper to build $cmd."
    echo "module peers.local/$cmd-build"
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
  if ! (cd "$wrap" && go get "k8s.io/kubernetes/cmd/$cmd@$v") >>"$logf" 2>&1; then
    fail "obtain" "$cmd: go get of k8s.io/kubernetes@$v dependencies failed" "$logf"
  fi
  local minor=${v#v1.}
  minor=${minor%%.*}
  local pkg=k8s.io/component-base/version
  local ldflags="-s -w -X $pkg.gitVersion=$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  log "go build $cmd (first time: several minutes, ~2 GB RAM)"
  if ! with_go_lock go_build_in "$wrap" -ldflags="$ldflags" -o "$tmp/$cmd" "k8s.io/kubernetes/cmd/$cmd" >>"$logf" 2>&1; then
    fail "obtain" "$cmd: go build failed" "$logf"
  fi
  "$tmp/$cmd" --version >>"$logf" 2>&1 || fail "obtain" "$cmd: built binary does not run" "$logf"
}

build_kube_apiserver() { build_kube_command "$1" "$2" kube-apiserver; }
build_kube_controller_manager() { build_kube_command "$1" "$2" kube-controller-manager; }

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
  kube_obtain_controller_manager
}

kube_obtain_controller_manager() {
  have go || fail "obtain" "kube: 'go' is not on PATH"
  KUBE_CM_DIR=$(cache_ensure "kube-controller-manager-$PEERS_PIN_KUBERNETES" build_kube_controller_manager) ||
    fail "obtain" "kube-controller-manager: go build failed" "$PEERS_LOGS/build-kube-controller-manager-$PEERS_PIN_KUBERNETES.log"
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
  local t0
  if kube_healthy; then
    log "already running (etcd pid $(pidfile_alive "$KUBE_DIR/etcd.pid"), kube-apiserver pid $(pidfile_alive "$KUBE_DIR/apiserver.pid"))"
    if kube_cm_healthy; then
      log "kube-controller-manager already running (pid $(pidfile_alive "$KUBE_DIR/controller-manager.pid"))"
      return 0
    fi
    # Only the controller-manager is missing (it died, or the API server
    # started before it existed): start it alone, leaving etcd's data and
    # the API server to the tests that use them. If it cannot start, say so
    # but keep the API server: a failed job would be torn down whole.
    t0=$(now)
    if (kube_obtain_controller_manager && kube_start_controller_manager); then
      record_timing start "$t0"
    else
      log "WARNING: kube-controller-manager did not start (see $PEERS_LOGS/kube-controller-manager.log);" \
        "the API server keeps running without it, and PEERS_KUBE_CONTROLLER_MANAGER_URL is absent"
    fi
    return 0
  fi
  kube_down
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
  kube_start_controller_manager
}

# kube_cm_healthz: the controller-manager's /healthz (always allowed
# without credentials) answers ok on its serving port.
kube_cm_healthz() {
  local port
  port=$(cat "$KUBE_DIR/controller-manager.port" 2>/dev/null) || return 1
  [[ $(curl -sSk --max-time 5 "https://127.0.0.1:$port/healthz" 2>/dev/null) == ok ]]
}

# kube_cm_reconciles NAMESPACE: the serviceaccount controller has given the
# namespace its `default` ServiceAccount, so the controller-manager
# authenticates and its controllers act on the API server.
kube_cm_reconciles() {
  local PEERS_KUBE_URL PEERS_KUBE_TOKEN PEERS_KUBE_CA_FILE
  # shellcheck disable=SC1091
  source "$KUBE_DIR/env"
  curl -sSf --max-time 5 --cacert "$PEERS_KUBE_CA_FILE" -H "Authorization: Bearer $PEERS_KUBE_TOKEN" \
    "$PEERS_KUBE_URL/api/v1/namespaces/$1/serviceaccounts/default" >/dev/null 2>&1
}

kube_cm_healthy() {
  pidfile_alive "$KUBE_DIR/controller-manager.pid" >/dev/null || return 1
  kube_cm_healthz
}

# kube_start_controller_manager: runs against the API server above, as
# kubeadm sets it up: its own client certificate (CN
# system:kube-controller-manager, signed by the peer CA that the API
# server's --client-ca-file trusts, so no API server restart is needed), one
# service account per controller (--use-service-account-credentials; tokens
# from the TokenRequest API, signed with the API server's
# --service-account-signing-key-file), the service-account key for token
# Secrets, the CA as root CA (the kube-root-ca.crt ConfigMaps) and as CSR
# signer. A single instance, so no leader election. Its own /healthz takes
# bearer tokens only (--authentication-skip-lookup: the API server has no
# front-proxy CA to look up), and flex volumes stay in its runtime dir.
kube_start_controller_manager() {
  local pki=$KUBE_DIR/pki cmdir=$KUBE_DIR/controller-manager port url
  local logf=$PEERS_LOGS/kube-controller-manager.log
  [[ -n ${KUBE_CM_DIR:-} ]] || kube_obtain_controller_manager
  [[ -f $pki/ca.key && -f $pki/sa.key ]] ||
    fail "start" "kube-controller-manager: $pki lacks ca.key or sa.key (the API server's PKI)"
  stop_pidfile "$KUBE_DIR/controller-manager.pid" TERM 20
  kube_cm_env_without
  rm -rf "$cmdir"
  mkdir -p "$cmdir/serving" "$cmdir/flexvolume"
  chmod 700 "$cmdir"
  : >"$logf"
  (
    cd "$cmdir" || exit 1
    openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr \
      -subj "/CN=system:kube-controller-manager"
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
      -CAserial "$cmdir/ca.srl" -CAcreateserial -out client.crt -days 30 -extfile client.ext
  ) >>"$logf" 2>&1 || fail "start" "kube-controller-manager: openssl could not make its client certificate" "$logf"
  url=$(sed -n 's/^PEERS_KUBE_URL=//p' "$KUBE_DIR/env")
  [[ -n $url ]] || fail "start" "kube-controller-manager: no PEERS_KUBE_URL in $KUBE_DIR/env"
  cat >"$cmdir/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: peers
  cluster:
    server: $url
    certificate-authority-data: $(base64 -w0 <"$pki/ca.crt")
users:
- name: system:kube-controller-manager
  user:
    client-certificate-data: $(base64 -w0 <"$cmdir/client.crt")
    client-key-data: $(base64 -w0 <"$cmdir/client.key")
contexts:
- name: peers
  context:
    cluster: peers
    user: system:kube-controller-manager
current-context: peers
KUBECONFIG
  chmod 600 "$cmdir/kubeconfig"
  port=$(claim_port) || fail "start" "kube-controller-manager: no free port"

  spawn "$KUBE_DIR/controller-manager.pid" "$logf" "$KUBE_CM_DIR/kube-controller-manager" \
    --kubeconfig "$cmdir/kubeconfig" \
    --authentication-kubeconfig "$cmdir/kubeconfig" \
    --authorization-kubeconfig "$cmdir/kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$port" --cert-dir "$cmdir/serving" \
    --use-service-account-credentials=true \
    --service-account-private-key-file "$pki/sa.key" \
    --root-ca-file "$pki/ca.crt" \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --authentication-skip-lookup=true \
    --flex-volume-plugin-dir "$cmdir/flexvolume" \
    --leader-elect=false \
    --profiling=false
  echo "$port" >"$KUBE_DIR/controller-manager.port"

  wait_until 60 "$KUBE_DIR/controller-manager.pid" "kube-controller-manager /healthz" kube_cm_healthz ||
    fail "health check" "kube-controller-manager /healthz on 127.0.0.1:$port did not say ok" "$logf"
  wait_until 60 "$KUBE_DIR/controller-manager.pid" "ServiceAccount default/default" kube_cm_reconciles default ||
    fail "health check" "kube-controller-manager runs but made no ServiceAccount default/default (can it reach the API server?)" "$logf"

  # The env fragment gains the controller-manager's lines (dropped above
  # while it (re)starts, so a failed start leaves none behind).
  {
    env_line PEERS_KUBE_CONTROLLER_MANAGER_URL "https://127.0.0.1:$port"
    env_line PEERS_KUBE_CONTROLLER_MANAGER_VERSION "$PEERS_PIN_KUBERNETES"
  } >>"$KUBE_DIR/env"
  log "kube-controller-manager ready on 127.0.0.1:$port"
}

# kube_cm_env_without: removes the controller-manager's lines from the kube
# env fragment (written via a temp file, as tests may read it).
kube_cm_env_without() {
  local envf=$KUBE_DIR/env
  [[ -f $envf ]] || return 0
  grep -v '^PEERS_KUBE_CONTROLLER_MANAGER_' "$envf" >"$envf.tmp" || true
  mv "$envf.tmp" "$envf"
}

kube_down() {
  stop_pidfile "$KUBE_DIR/controller-manager.pid" TERM 20
  stop_pidfile "$KUBE_DIR/apiserver.pid" TERM 30
  stop_pidfile "$KUBE_DIR/etcd.pid" TERM 20
  rm -rf "$KUBE_DIR"
}

kube_status() {
  status_line etcd "$KUBE_DIR/etcd.pid" "$(cat "$KUBE_DIR/etcd.port" 2>/dev/null || echo -)"
  status_line kube-apiserver "$KUBE_DIR/apiserver.pid" "$(cat "$KUBE_DIR/apiserver.port" 2>/dev/null || echo -)"
  status_line kube-ctrl-mgr "$KUBE_DIR/controller-manager.pid" "$(cat "$KUBE_DIR/controller-manager.port" 2>/dev/null || echo -)"
}
