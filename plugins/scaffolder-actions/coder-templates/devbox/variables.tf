# Template-admin variables, set when the template is pushed
# (`coder:template:push` `variables`, or `coder templates push --variable`).
# Coder supports string, number and bool variables only, so lists are
# comma-separated strings, validated here as well as by the software template.

variable "use_kubeconfig" {
  type        = bool
  description = "Use ~/.kube/config instead of the provisioner's in-cluster service account"
  default     = false
}

variable "cluster_name" {
  type        = string
  description = "Name of the cluster, shown in the workspace (CLUSTER_NAME)"
  default     = ""
  validation {
    condition     = var.cluster_name == "" || can(regex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", var.cluster_name))
    error_message = "cluster_name must be a cluster name (lowercase letters, digits and dashes)."
  }
}

variable "namespace" {
  type        = string
  description = "Namespace of the workspaces (PVCs and Deployments)"
  default     = "coder"
  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.namespace)) && length(var.namespace) <= 63
    error_message = "namespace must be a Kubernetes namespace name (RFC 1123 label)."
  }
}

variable "image" {
  type        = string
  description = "Workspace image: a non-root user coder (uid 1000, home /home/coder), sh and curl"
  default     = "isi006/docker-k8s-training:latest"
  validation {
    condition     = length(var.image) <= 255 && can(regex("^[A-Za-z0-9][A-Za-z0-9._/:@-]*$", var.image))
    error_message = "image must be an image reference such as ghcr.io/acme/devbox:1.0."
  }
}

variable "image_pull_secret" {
  type        = string
  description = "Name of a docker-registry Secret in the namespace for private images; empty for none"
  default     = ""
  validation {
    condition     = var.image_pull_secret == "" || can(regex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", var.image_pull_secret))
    error_message = "image_pull_secret must be a Secret name or empty."
  }
}

variable "cpu" {
  type        = number
  description = "CPU limit of the workspace container, in cores (a quarter is requested)"
  default     = 2
  validation {
    condition     = var.cpu >= 0.5 && var.cpu <= 16
    error_message = "cpu must be between 0.5 and 16 cores."
  }
}

variable "memory_gib" {
  type        = number
  description = "Memory limit of the workspace container, in GiB (75% is requested)"
  default     = 4
  validation {
    condition     = var.memory_gib >= 1 && var.memory_gib <= 64 && floor(var.memory_gib) == var.memory_gib
    error_message = "memory_gib must be a whole number between 1 and 64."
  }
}

variable "home_disk_gib" {
  type        = number
  description = "Default size of the home volume in GiB (each workspace may choose its own when created)"
  default     = 10
  validation {
    condition     = var.home_disk_gib >= 1 && var.home_disk_gib <= 500 && floor(var.home_disk_gib) == var.home_disk_gib
    error_message = "home_disk_gib must be a whole number between 1 and 500."
  }
}

variable "storage_class" {
  type        = string
  description = "StorageClass of the home volume; empty for the cluster default"
  default     = "immediate-rwo"
  validation {
    condition     = var.storage_class == "" || can(regex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", var.storage_class))
    error_message = "storage_class must be a StorageClass name or empty."
  }
}

variable "workspace_pool_label" {
  type        = string
  description = "Node label (value \"true\") and taint key of the workspace node pools"
  default     = "coder-development-cluster/workspace"
}

variable "vscode_extensions" {
  type        = string
  description = "VS Code extensions code-server installs, comma-separated publisher.name ids"
  default     = "ms-azuretools.vscode-docker,ms-kubernetes-tools.vscode-kubernetes-tools"
  validation {
    condition = var.vscode_extensions == "" || alltrue([
      for id in split(",", var.vscode_extensions) :
      can(regex("^[A-Za-z0-9][A-Za-z0-9-]*\\.[A-Za-z0-9][A-Za-z0-9-]*$", id))
    ])
    error_message = "vscode_extensions must be comma-separated publisher.name ids."
  }
}

variable "code_server_version" {
  type        = string
  description = "code-server release installed at start"
  default     = "4.103.1"
  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.code_server_version))
    error_message = "code_server_version must be a version such as 4.103.1."
  }
}

variable "docker_enabled" {
  type        = bool
  description = "Run a privileged docker:dind sidecar (DOCKER_HOST=tcp://localhost:2375). Workspaces can gain root on their node."
  default     = true
}

variable "docker_image" {
  type        = string
  description = "Image of the Docker sidecar"
  default     = "docker:28.3.3-dind"
  validation {
    condition     = length(var.docker_image) <= 255 && can(regex("^[A-Za-z0-9][A-Za-z0-9._/:@-]*$", var.docker_image))
    error_message = "docker_image must be an image reference."
  }
}

variable "docker_memory_mib" {
  type        = number
  description = "Memory limit of the Docker sidecar in MiB (half is requested)"
  default     = 1000
}

variable "backup_enabled" {
  type        = bool
  description = "Restore the home volume from restic when it is new, and back it up on a schedule and on stop"
  default     = true
}

variable "backup_cron" {
  type        = string
  description = "Five-field cron schedule of the restic backup sidecar"
  default     = "15 * * * *"
  validation {
    condition     = can(regex("^[0-9*/,-]+( [0-9*/,-]+){4}$", var.backup_cron))
    error_message = "backup_cron must be a five-field cron expression such as 15 * * * *."
  }
}

variable "restic_image" {
  type        = string
  description = "Image of the restic restore init container and backup sidecar (klauserber/restic-kubernetes)"
  default     = "isi006/restic-kubernetes:2.7.0"
  validation {
    condition     = length(var.restic_image) <= 255 && can(regex("^[A-Za-z0-9][A-Za-z0-9._/:@-]*$", var.restic_image))
    error_message = "restic_image must be an image reference."
  }
}

variable "restic_repository_prefix" {
  type        = string
  description = "restic repository prefix; each workspace gets <prefix>/<namespace>-<owner>-<workspace>, e.g. gs:my-bucket:/coder/dev-eu1. Required when backup_enabled"
  default     = ""
  validation {
    condition = var.restic_repository_prefix == "" || can(regex(
      "^(gs:[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]:/|s3:|b2:|azure:|rest:|sftp:|swift:|rclone:|/)[^\\s\"'`$\\\\;|&<>(){}]*$",
      var.restic_repository_prefix
    ))
    error_message = "restic_repository_prefix must be a restic repository such as gs:my-bucket:/coder/dev-eu1, without whitespace, quotes or shell metacharacters."
  }
}

variable "restic_password_secret" {
  type        = string
  description = "Secret in the namespace holding the restic repository password (never a literal here)"
  default     = "restic"
}

variable "restic_password_key" {
  type        = string
  description = "Key of the password in restic_password_secret"
  default     = "password"
}

variable "restic_google_credentials_secret" {
  type        = string
  description = "Secret with a google-cloud.json key for a gs: repository, mounted at /etc/gcloud (the seed's google-credentials-secret); empty with Workload Identity (service_account)"
  default     = ""
}

variable "service_account" {
  type        = string
  description = "Kubernetes service account of the workspace pods; the cluster template binds coder-workspace to the storage service account through Workload Identity. Empty for the namespace default"
  default     = "coder-workspace"
  validation {
    condition     = var.service_account == "" || can(regex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", var.service_account))
    error_message = "service_account must be a service account name or empty."
  }
}

variable "restic_forget_args" {
  type        = string
  description = "Arguments of restic forget after each backup"
  default     = "--keep-last 12 --keep-daily 7 --keep-weekly 4 --keep-monthly 3 --keep-yearly 100 --prune"
  validation {
    condition     = can(regex("^[A-Za-z0-9 =_.-]*$", var.restic_forget_args))
    error_message = "restic_forget_args may hold letters, digits, spaces, '=', '_', '.' and '-' only."
  }
}

variable "backup_memory_mib" {
  type        = number
  description = "Memory limit of the restic containers in MiB (half is requested by the sidecar, a quarter by the restore)"
  default     = 500
}
