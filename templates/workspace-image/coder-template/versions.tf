terraform {
  required_version = ">= 1.5.7"
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.10.0, < 3.0.0"
    }
    # No upper pin below 3: the schema used here is common to 1.13.x (what the
    # suite validates with, built from the Go module proxy) and 2.x (what a
    # Coder provisioner downloads from the registry).
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = ">= 1.13.4, < 3.0.0"
    }
  }
}

provider "coder" {}

# In the cluster the provisioner runs as the `coder` service account; outside
# (use_kubeconfig = true) it reads ~/.kube/config.
provider "kubernetes" {
  config_path = var.use_kubeconfig ? "~/.kube/config" : null
}
