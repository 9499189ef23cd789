import { CODER_PLATFORM_CLUSTER_ANNOTATION } from '@coder-platform/plugin-coder-platform-common';

/** A `coder-cluster` Resource that names its cluster (predicate filter). */
export const coderClusterFilter = {
  kind: 'resource',
  'spec.type': 'coder-cluster',
  [`metadata.annotations.${CODER_PLATFORM_CLUSTER_ANNOTATION}`]: {
    $exists: true,
  },
};

/** A `workspace-image` Component (predicate filter). */
export const workspaceImageFilter = {
  kind: 'component',
  'spec.type': 'workspace-image',
};
