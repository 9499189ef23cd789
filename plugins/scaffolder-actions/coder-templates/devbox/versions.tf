terraform {
  required_version = ">= 1.5.7"
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.10.0, < 3.0.0"
    }
    # 1.13.x: the newest release the Go module proxy serves, so the one the
    # suite validates with (scripts/peers/terraform.sh). 2.x changed the
    # schema this file uses (container resources limits/requests became
    # maps, load_config_file was removed), so 2.x needs those edits first.
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = ">= 1.13.4, < 2.0.0"
    }
  }
}

provider "coder" {}

# In the cluster the provisioner runs as the `coder` service account (no
# kubeconfig: in-cluster config); with use_kubeconfig it reads ~/.kube/config.
provider "kubernetes" {
  load_config_file = var.use_kubeconfig
  config_path      = var.use_kubeconfig ? "~/.kube/config" : null
}
