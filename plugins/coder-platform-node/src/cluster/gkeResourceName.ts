/** A GKE cluster named as the GKE API names it. */
export interface GkeResourceName {
  project: string;
  location: string;
  cluster: string;
  /** `projects/<project>/locations/<location>/clusters/<cluster>` */
  resourceName: string;
}

const GKE_NAME =
  /^projects\/([a-z][-a-z0-9]{4,28}[a-z0-9])\/locations\/([a-z]+-[a-z]+[0-9]+(?:-[a-z])?)\/clusters\/([a-z](?:[-a-z0-9]{0,38}[a-z0-9])?)$/;

/** Whether `value` is `projects/<project>/locations/<location>/clusters/<name>`. */
export function isGkeResourceName(value: string): boolean {
  return GKE_NAME.test(value);
}

/** Splits a GKE resource name, or returns `undefined` when `value` is not one. */
export function parseGkeResourceName(
  value: string,
): GkeResourceName | undefined {
  const m = GKE_NAME.exec(value);
  return m
    ? { project: m[1], location: m[2], cluster: m[3], resourceName: value }
    : undefined;
}
