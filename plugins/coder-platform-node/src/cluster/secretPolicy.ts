import { InputError } from '@backstage/errors';
import type { ObjectRef } from './types';

/** The label every Secret the suite writes carries; the actions read only those (or listed ones). */
export const MANAGED_LABEL = 'coder-platform.io/managed';

/** The labels to put on a Secret the suite writes. */
export const MANAGED_LABELS: Readonly<Record<string, string>> = {
  [MANAGED_LABEL]: 'true',
};

/** Whether a Secret may be read for a template: it carries the managed label or is listed in config. */
export function isReadableSecret(
  ref: ObjectRef,
  labels: Record<string, string> | undefined,
  readable: ObjectRef[],
): boolean {
  return (
    labels?.[MANAGED_LABEL] === 'true' ||
    readable.some(r => r.namespace === ref.namespace && r.name === ref.name)
  );
}

/**
 * Throws an {@link InputError} naming `field` unless the Secret may be read:
 * it carries `coder-platform.io/managed: "true"` (the suite wrote it) or is
 * listed in `coderPlatform.clusterActions.readableSecrets`.
 */
export function assertReadableSecret(
  field: string,
  ref: ObjectRef,
  labels: Record<string, string> | undefined,
  readable: ObjectRef[],
): void {
  if (!isReadableSecret(ref, labels, readable)) {
    throw new InputError(
      `${field}: Secret ${ref.namespace}/${ref.name} was not written by the suite (no label ${MANAGED_LABEL}: "true") and is not listed in coderPlatform.clusterActions.readableSecrets; refusing to read it`,
    );
  }
}
