# The home volume lives as long as the workspace; the Deployment only while
# it runs (start_count), so a stop keeps /home/coder.
resource "kubernetes_persistent_volume_claim" "home" {
  metadata {
    name      = "${local.name}-home"
    namespace = var.namespace
    labels    = local.labels
  }
  wait_until_bound = false
  spec {
    access_modes       = ["ReadWriteOnce"]
    storage_class_name = var.storage_class == "" ? null : var.storage_class
    resources {
      requests = {
        storage = "${data.coder_parameter.home_disk_gib.value}Gi"
      }
    }
  }
}

resource "kubernetes_deployment" "main" {
  count            = data.coder_workspace.me.start_count
  depends_on       = [kubernetes_persistent_volume_claim.home]
  wait_for_rollout = false
  lifecycle {
    precondition {
      condition     = !var.backup_enabled || var.restic_repository_prefix != ""
      error_message = "backup_enabled needs restic_repository_prefix (e.g. gs:my-bucket:/coder/dev-eu1); set it or turn backups off."
    }
  }
  metadata {
    name      = local.name
    namespace = var.namespace
    labels    = local.labels
  }
  spec {
    replicas = 1
    selector {
      match_labels = {
        "app.kubernetes.io/instance" = local.name
      }
    }
    strategy {
      type = "Recreate"
    }
    template {
      metadata {
        labels = local.labels
      }
      spec {
        # Long enough for the backup sidecar's backup on stop.
        termination_grace_period_seconds = 120
        service_account_name             = var.service_account == "" ? null : var.service_account
        security_context {
          run_as_user = 1000
          fs_group    = 1000
        }

        affinity {
          node_affinity {
            required_during_scheduling_ignored_during_execution {
              node_selector_term {
                match_expressions {
                  key      = var.workspace_pool_label
                  operator = "In"
                  values   = ["true"]
                }
              }
            }
            preferred_during_scheduling_ignored_during_execution {
              weight = 1
              preference {
                match_expressions {
                  key      = "cloud.google.com/gke-spot"
                  operator = "In"
                  values   = ["true"]
                }
              }
            }
          }
        }
        toleration {
          key      = var.workspace_pool_label
          operator = "Exists"
          effect   = "NoSchedule"
        }

        dynamic "image_pull_secrets" {
          for_each = var.image_pull_secret == "" ? [] : [var.image_pull_secret]
          content {
            name = image_pull_secrets.value
          }
        }

        volume {
          name = "data"
          persistent_volume_claim {
            claim_name = kubernetes_persistent_volume_claim.home.metadata[0].name
          }
        }
        dynamic "volume" {
          for_each = var.docker_enabled ? ["docker"] : []
          content {
            name = "docker"
            empty_dir {}
          }
        }
        dynamic "volume" {
          for_each = local.use_google_credential ? ["gcloud"] : []
          content {
            name = "gcloud"
            secret {
              secret_name = var.restic_google_credentials_secret
            }
          }
        }

        # A new (or lost) home volume is refilled from the latest snapshot
        # of this workspace; a marker on the volume makes it run once.
        dynamic "init_container" {
          for_each = var.backup_enabled ? ["restore"] : []
          content {
            name  = "restic-restore"
            image = var.restic_image
            security_context {
              run_as_user = 0
            }
            env {
              name  = "RESTIC_RESTORE"
              value = "1"
            }
            dynamic "env" {
              for_each = local.restic_env
              content {
                name  = env.key
                value = env.value
              }
            }
            env {
              name = "RESTIC_PASSWORD"
              value_from {
                secret_key_ref {
                  name = var.restic_password_secret
                  key  = var.restic_password_key
                }
              }
            }
            resources {
              limits {
                memory = "${var.backup_memory_mib}Mi"
              }
              requests {
                memory = "${local.restore_request_mib}Mi"
              }
            }
            volume_mount {
              name       = "data"
              mount_path = "/data"
            }
            dynamic "volume_mount" {
              for_each = local.use_google_credential ? ["gcloud"] : []
              content {
                name       = "gcloud"
                mount_path = "/etc/gcloud"
                read_only  = true
              }
            }
          }
        }
        init_container {
          name    = "home-owner"
          image   = "busybox:1.37"
          command = ["sh", "-c", "mkdir -p /data/home && chown 1000:1000 /data/home"]
          security_context {
            run_as_user = 0
          }
          volume_mount {
            name       = "data"
            mount_path = "/data"
          }
        }

        container {
          name              = "dev"
          image             = var.image
          image_pull_policy = "Always"
          command           = ["sh", "-c", coder_agent.main.init_script]
          security_context {
            run_as_user     = 1000
            run_as_non_root = true
          }
          env {
            name  = "CODER_AGENT_TOKEN"
            value = coder_agent.main.token
          }
          dynamic "env" {
            for_each = merge(
              { CLUSTER_NAME = var.cluster_name },
              var.docker_enabled ? { DOCKER_HOST = "tcp://localhost:2375" } : {},
            )
            content {
              name  = env.key
              value = env.value
            }
          }
          resources {
            limits {
              cpu    = tostring(var.cpu)
              memory = "${local.memory_limit_mib}Mi"
            }
            requests {
              cpu    = "${local.cpu_request_millis}m"
              memory = "${local.memory_request_mib}Mi"
            }
          }
          volume_mount {
            name       = "data"
            mount_path = "/home/coder"
            sub_path   = "home"
          }
        }

        # Coder's privileged-sidecar option: workspaces can gain root on the
        # node; TLS off, reachable on localhost only.
        dynamic "container" {
          for_each = var.docker_enabled ? ["dind"] : []
          content {
            name  = "docker-dind"
            image = var.docker_image
            args  = ["--mtu=1320"]
            security_context {
              privileged  = true
              run_as_user = 0
            }
            env {
              name  = "DOCKER_TLS_CERTDIR"
              value = ""
            }
            resources {
              limits {
                memory = "${var.docker_memory_mib}Mi"
              }
              requests {
                memory = "${local.docker_request_mib}Mi"
              }
            }
            volume_mount {
              name       = "docker"
              mount_path = "/var/lib/docker"
            }
            volume_mount {
              name       = "data"
              mount_path = "/home/coder"
              sub_path   = "home"
            }
          }
        }

        dynamic "container" {
          for_each = var.backup_enabled ? ["backup"] : []
          content {
            name  = "restic-backup"
            image = var.restic_image
            security_context {
              run_as_user = 0
            }
            dynamic "env" {
              for_each = local.restic_env
              content {
                name  = env.key
                value = env.value
              }
            }
            env {
              name = "RESTIC_PASSWORD"
              value_from {
                secret_key_ref {
                  name = var.restic_password_secret
                  key  = var.restic_password_key
                }
              }
            }
            resources {
              limits {
                memory = "${var.backup_memory_mib}Mi"
              }
              requests {
                memory = "${local.backup_request_mib}Mi"
              }
            }
            volume_mount {
              name       = "data"
              mount_path = "/data"
            }
            dynamic "volume_mount" {
              for_each = local.use_google_credential ? ["gcloud"] : []
              content {
                name       = "gcloud"
                mount_path = "/etc/gcloud"
                read_only  = true
              }
            }
          }
        }
      }
    }
  }
}

locals {
  # restic-kubernetes settings shared by the restore and the backup; the
  # password is never here (secret_key_ref above).
  restic_env = merge(
    {
      RESTIC_REPOSITORY  = local.restic_repository
      RESTIC_HOST        = local.name
      BACKUP_CRON        = var.backup_cron
      RESTIC_FORGET_ARGS = var.restic_forget_args
    },
    local.use_google_credential ? { GOOGLE_APPLICATION_CREDENTIALS = "/etc/gcloud/google-cloud.json" } : {},
  )
}
