# A Coder workspace on Kubernetes: the devbox of the Coder development
# cluster, parameterised. One home volume per workspace that outlives stops,
# a Deployment only while the workspace runs, on the workspace node pools
# (spot preferred), with an optional Docker sidecar and restic home backups.

data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

data "coder_parameter" "home_disk_gib" {
  name         = "home_disk_gib"
  display_name = "Home disk size (GiB)"
  description  = "Size of /home/coder; it cannot be changed after the workspace is created"
  type         = "number"
  default      = var.home_disk_gib
  mutable      = false
  icon         = "/emojis/1f4be.png"
  validation {
    min = 1
    max = 500
  }
}

locals {
  owner     = lower(data.coder_workspace_owner.me.name)
  workspace = lower(data.coder_workspace.me.name)
  # coder-<owner>-<workspace>: the PVC, the Deployment and the restic host.
  name = "${var.namespace}-${local.owner}-${local.workspace}"
  labels = {
    "app.kubernetes.io/name"     = "coder-workspace"
    "app.kubernetes.io/instance" = local.name
    "app.kubernetes.io/part-of"  = "coder"
    "com.coder.resource"         = "true"
    "com.coder.workspace.id"     = data.coder_workspace.me.id
    "com.coder.workspace.name"   = data.coder_workspace.me.name
    "com.coder.user.id"          = data.coder_workspace_owner.me.id
    "com.coder.user.username"    = data.coder_workspace_owner.me.name
  }
  extensions = compact(split(",", var.vscode_extensions))
  # Each id passed variable validation (publisher.name), so it is safe as a
  # shell word.
  install_extensions = join("\n", [
    for id in local.extensions :
    "/tmp/code-server/bin/code-server --install-extension ${id} >>/tmp/code-server.log 2>&1 || echo 'could not install ${id}'"
  ])
  restic_repository = "${var.restic_repository_prefix}/${local.name}"
  # Requests: a quarter of the CPU, 75% of the memory (the seed's ratio).
  cpu_request_millis    = floor(var.cpu * 250)
  memory_limit_mib      = var.memory_gib * 1024
  memory_request_mib    = floor(var.memory_gib * 768)
  docker_request_mib    = floor(var.docker_memory_mib / 2)
  backup_request_mib    = floor(var.backup_memory_mib / 2)
  restore_request_mib   = floor(var.backup_memory_mib / 4)
  use_google_credential = var.backup_enabled && var.restic_google_credentials_secret != ""
}

resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
  dir  = "/home/coder"
  env = merge(
    { CODER_WORKSPACE_IMAGE = var.image },
    var.docker_enabled ? { DOCKER_HOST = "tcp://localhost:2375" } : {},
  )
  startup_script_behavior = "non-blocking"
  startup_script          = <<-EOT
    set -e
    if [ ! -x /tmp/code-server/bin/code-server ]; then
      curl -fsSL https://code-server.dev/install.sh | sh -s -- --method=standalone --prefix=/tmp/code-server --version ${var.code_server_version} >/tmp/code-server.log 2>&1
    fi
    ${local.install_extensions}
    /tmp/code-server/bin/code-server --auth none --port 13337 --disable-telemetry >>/tmp/code-server.log 2>&1 &
  EOT

  metadata {
    display_name = "CPU usage"
    key          = "0_cpu_usage"
    script       = "coder stat cpu"
    interval     = 10
    timeout      = 1
  }
  metadata {
    display_name = "RAM usage"
    key          = "1_ram_usage"
    script       = "coder stat mem"
    interval     = 10
    timeout      = 1
  }
  metadata {
    display_name = "Home disk"
    key          = "2_home_disk"
    script       = "coder stat disk --path $HOME"
    interval     = 60
    timeout      = 1
  }
}

resource "coder_app" "code_server" {
  agent_id     = coder_agent.main.id
  slug         = "code-server"
  display_name = "code-server"
  icon         = "/icon/code.svg"
  url          = "http://localhost:13337/?folder=/home/coder"
  subdomain    = false
  share        = "owner"
  healthcheck {
    url       = "http://localhost:13337/healthz"
    interval  = 5
    threshold = 6
  }
}

resource "coder_metadata" "home" {
  resource_id = kubernetes_persistent_volume_claim.home.id
  item {
    key   = "image"
    value = var.image
  }
  item {
    key   = "docker sidecar"
    value = var.docker_enabled ? "on" : "off"
  }
  item {
    key   = "home backup"
    value = var.backup_enabled ? "restic, ${var.backup_cron}" : "off"
  }
}
