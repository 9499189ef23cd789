# shellcheck shell=bash
# terraform and the two providers of the Coder workspace template
# (coder/coder, hashicorp/kubernetes), built from the Go module proxy (no
# release downloads here), laid out as a filesystem provider mirror. A tool,
# not a server: tests run `terraform init` with PEERS_TERRAFORM_CLI_CONFIG
# (TF_CLI_CONFIG_FILE) so init installs the providers from the mirror, then
# `terraform validate` and `terraform plan`.
#
# terraform's go.mod has replace directives, so `go install module@version`
# refuses it: it is built as the main module from a copy of its module source,
# without the remote-state backends (nested modules the proxy does not serve).
# hashicorp/kubernetes 2.x is not served as a Go module (its go.mod path has no
# /v2), so 1.13.4, the newest the proxy serves, is built, also from a copy of
# its module source: its dependency vbom.ml/util is refused by the proxy and
# replaced by the same code under its new path github.com/fvbommel/util, and
# modern-go/reflect2 goes to 1.0.2 (1.0.1 crashes on Go >= 1.18).

TERRAFORM_DIR=$PEERS_DIR/terraform

build_terraform() {
  local tmp=$1 logf=$2 dir src
  go_build_env
  export GOFLAGS="$GOFLAGS -mod=mod"
  dir=$(go mod download -json "github.com/hashicorp/terraform@$PEERS_PIN_TERRAFORM" 2>>"$logf" |
    python3 -c 'import json,sys;print(json.load(sys.stdin)["Dir"])') ||
    fail "obtain" "terraform: go mod download github.com/hashicorp/terraform@$PEERS_PIN_TERRAFORM failed" "$logf"
  src=$(mktemp -d)
  cp -r "$dir/." "$src/"
  chmod -R u+w "$src"
  # The remote-state backends (and internal/legacy) are nested modules, left
  # out of the module zip and not served on their own: build without them.
  # `terraform init/validate` of a workspace template needs none of them.
  sed -i -E '/github.com\/hashicorp\/terraform\/internal\/(backend\/remote-state\/[a-z0-9]+|legacy)( |$)/d' "$src/go.mod"
  sed -i -E '/backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)([ .]|$)/d' "$src/internal/backend/init/init.go"
  log "go build terraform $PEERS_PIN_TERRAFORM (first time: a few minutes)"
  if ! with_go_lock go_build_in "$src" -ldflags="-s -w -X github.com/hashicorp/terraform/version.dev=no" -o "$tmp/terraform" . >>"$logf" 2>&1; then
    rm -rf "$src"
    fail "obtain" "terraform: go build failed" "$logf"
  fi
  rm -rf "$src"
  local mirror=$tmp/mirror/registry.terraform.io
  local coder_dir=$mirror/coder/coder/${PEERS_PIN_CODER_PROVIDER#v}/linux_amd64
  mkdir -p "$coder_dir"
  log "go install terraform-provider-coder $PEERS_PIN_CODER_PROVIDER"
  with_go_lock env GOBIN="$coder_dir" go install -ldflags="-s -w" \
    "github.com/coder/terraform-provider-coder/v2@$PEERS_PIN_CODER_PROVIDER" >>"$logf" 2>&1 ||
    fail "obtain" "terraform: building terraform-provider-coder failed" "$logf"
  mv "$coder_dir/terraform-provider-coder" "$coder_dir/terraform-provider-coder_$PEERS_PIN_CODER_PROVIDER"
  local kube_dir=$mirror/hashicorp/kubernetes/${PEERS_PIN_KUBERNETES_PROVIDER#v}/linux_amd64
  mkdir -p "$kube_dir"
  dir=$(go mod download -json "github.com/hashicorp/terraform-provider-kubernetes@$PEERS_PIN_KUBERNETES_PROVIDER" 2>>"$logf" |
    python3 -c 'import json,sys;print(json.load(sys.stdin)["Dir"])') ||
    fail "obtain" "terraform: go mod download terraform-provider-kubernetes@$PEERS_PIN_KUBERNETES_PROVIDER failed" "$logf"
  src=$(mktemp -d)
  cp -r "$dir/." "$src/"
  chmod -R u+w "$src"
  cat >>"$src/go.mod" <<'GOMOD'

replace vbom.ml/util => github.com/fvbommel/util v0.0.0-20160121211510-db5cfe13f5cc

replace github.com/modern-go/reflect2 => github.com/modern-go/reflect2 v1.0.2
GOMOD
  log "go build terraform-provider-kubernetes $PEERS_PIN_KUBERNETES_PROVIDER (first time: about 8 minutes)"
  if ! with_go_lock go_build_in "$src" -ldflags="-s -w -checklinkname=0" \
    -o "$kube_dir/terraform-provider-kubernetes_$PEERS_PIN_KUBERNETES_PROVIDER" . >>"$logf" 2>&1; then
    rm -rf "$src"
    fail "obtain" "terraform: building terraform-provider-kubernetes failed" "$logf"
  fi
  rm -rf "$src"
}

terraform_up() {
  mkdir -p "$TERRAFORM_DIR"
  local t0 cache version
  t0=$(now)
  have go || fail "obtain" "terraform: 'go' is not on PATH"
  cache=$(cache_ensure "terraform-$PEERS_PIN_TERRAFORM-coder-$PEERS_PIN_CODER_PROVIDER-kubernetes-$PEERS_PIN_KUBERNETES_PROVIDER" build_terraform) ||
    fail "obtain" "terraform: build failed"
  record_timing obtain "$t0"
  cat >"$TERRAFORM_DIR/cli.tfrc" <<TFRC
provider_installation {
  filesystem_mirror {
    path    = "$cache/mirror"
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
TFRC
  version=$("$cache/terraform" version -json 2>/dev/null | python3 -c 'import json,sys;print(json.load(sys.stdin)["terraform_version"])') ||
    fail "check" "terraform version does not run"
  {
    env_line PEERS_TERRAFORM_BIN "$cache/terraform"
    env_line PEERS_TERRAFORM_VERSION "$version"
    env_line PEERS_TERRAFORM_CLI_CONFIG "$TERRAFORM_DIR/cli.tfrc"
    env_line PEERS_TERRAFORM_CODER_PROVIDER "${PEERS_PIN_CODER_PROVIDER#v}"
    env_line PEERS_TERRAFORM_KUBERNETES_PROVIDER "${PEERS_PIN_KUBERNETES_PROVIDER#v}"
  } >"$TERRAFORM_DIR/env"
  log "terraform $version with coder/coder $PEERS_PIN_CODER_PROVIDER and hashicorp/kubernetes $PEERS_PIN_KUBERNETES_PROVIDER"
}

terraform_down() { rm -rf "$TERRAFORM_DIR"; }

terraform_status() {
  if [[ -f $TERRAFORM_DIR/env ]]; then
    printf '%-16s ready    (tool) terraform %s\n' terraform "$(sed -n 's/^PEERS_TERRAFORM_VERSION=//p' "$TERRAFORM_DIR/env")"
  else
    printf '%-16s absent   (tool)\n' terraform
  fi
}
