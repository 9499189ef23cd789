import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityCreatePermission,
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogEntityValidatePermission,
  catalogIngestionReadPermission,
  catalogLocationAnalyzePermission,
  catalogLocationCreatePermission,
  catalogLocationReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  Permission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  createScaffolderActionConditionalDecision,
  createScaffolderTaskConditionalDecision,
  scaffolderActionConditions,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  actionExecutePermission,
  taskCancelPermission,
  taskCreatePermission,
  taskReadPermission,
  templateParameterReadPermission,
  templateStepReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import {
  coderPlatformBackupsReadPermission,
  coderPlatformClusterReadPermission,
  coderPlatformCoderReadPermission,
  coderPlatformReleasesReadPermission,
} from '@coder-platform/plugin-coder-platform-common';
import { ADMIN_TEMPLATE_TAG, normalizeRef, PolicyConfig } from './config';

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/** Basic permissions every signed-in user holds. */
const EVERYONE_ALLOWED: Permission[] = [
  coderPlatformClusterReadPermission,
  coderPlatformCoderReadPermission,
  coderPlatformBackupsReadPermission,
  coderPlatformReleasesReadPermission,
  catalogEntityCreatePermission,
  catalogEntityValidatePermission,
  catalogLocationReadPermission,
  catalogLocationCreatePermission,
  catalogLocationAnalyzePermission,
  catalogIngestionReadPermission,
  taskCreatePermission,
  templateParameterReadPermission,
  templateStepReadPermission,
];

/**
 * Plugins whose plain read permissions (attribute `action: read`) non-admins
 * hold even when this policy does not name them. Anything else unknown is
 * denied to non-admins.
 */
export const CORE_READ_PLUGINS: readonly string[] = [
  'catalog',
  'search',
  'notifications',
  'signals',
];

/** The catalog condition "not a Template tagged `coder-platform-admin`". */
export const notAdminTemplate: PermissionCriteria<
  PermissionCondition<'catalog-entity'>
> = {
  not: {
    allOf: [
      catalogConditions.isEntityKind({ kinds: ['Template'] }),
      catalogConditions.hasMetadata({ key: 'tags', value: ADMIN_TEMPLATE_TAG }),
    ],
  },
};

/** Is this a read of one of {@link CORE_READ_PLUGINS}? */
function isCoreRead(permission: Permission): boolean {
  const plugin = permission.name.split('.')[0];
  return (
    permission.attributes.action === 'read' &&
    CORE_READ_PLUGINS.includes(plugin)
  );
}

/**
 * The Coder Platform permission policy. Platform admins (members of
 * `adminGroups`, or `adminUsers`) may do everything; everyone else reads the
 * cluster overviews and the catalog minus admin-only templates, and executes
 * only the scaffolder actions in `userActions`. Requests without a signed-in
 * user are denied. The decision table is in the package README.
 */
export class CoderPlatformPermissionPolicy implements PermissionPolicy {
  private readonly adminGroups: Set<string>;
  private readonly adminUsers: Set<string>;

  constructor(
    private readonly config: PolicyConfig,
    private readonly userInfo: UserInfoService,
  ) {
    this.adminGroups = new Set(config.adminGroups);
    this.adminUsers = new Set(config.adminUsers);
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) return DENY;
    const info = await this.userInfo.getUserInfo(user.credentials);
    const userRef = normalizeRef(info.userEntityRef);
    const ownership = info.ownershipEntityRefs.map(normalizeRef);
    if (
      this.adminUsers.has(userRef) ||
      ownership.some(ref => this.adminGroups.has(ref))
    ) {
      return ALLOW;
    }
    return this.userDecision(
      request.permission,
      info.userEntityRef,
      info.ownershipEntityRefs,
    );
  }

  /** The decision for a signed-in user who is not a platform admin. */
  private userDecision(
    permission: Permission,
    userEntityRef: string,
    ownershipEntityRefs: string[],
  ): PolicyDecision {
    if (EVERYONE_ALLOWED.some(allowed => isPermission(permission, allowed))) {
      return ALLOW;
    }

    if (
      isPermission(permission, catalogEntityReadPermission) ||
      isPermission(permission, catalogEntityRefreshPermission)
    ) {
      return createCatalogConditionalDecision(permission, notAdminTemplate);
    }
    if (isPermission(permission, catalogEntityDeletePermission)) {
      return createCatalogConditionalDecision(permission, {
        allOf: [
          catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
          notAdminTemplate,
        ],
      });
    }

    if (isPermission(permission, actionExecutePermission)) {
      const [first, ...rest] = this.config.userActions;
      if (first === undefined) return DENY;
      const hasActionId = (actionId: string) =>
        scaffolderActionConditions.hasActionId({ actionId });
      return createScaffolderActionConditionalDecision(permission, {
        anyOf: [hasActionId(first), ...rest.map(hasActionId)],
      });
    }
    if (
      isPermission(permission, taskReadPermission) ||
      isPermission(permission, taskCancelPermission)
    ) {
      return createScaffolderTaskConditionalDecision(
        permission,
        scaffolderTaskConditions.isTaskOwner({ createdBy: [userEntityRef] }),
      );
    }

    if (isCoreRead(permission) && !isResourcePermission(permission)) {
      return ALLOW;
    }
    // Everything else, including coder-platform.keycloak.users.read (personal
    // data), template management and dry-run: platform admins only.
    return DENY;
  }
}
