import { Zod } from './inputProperties';

/** Shared output fields. */
export const commonOutput = (z: Zod) => ({
  projectId: z.string().describe('The GCP project the resource lives in.'),
  changed: z
    .boolean()
    .describe(
      'Whether this run changed anything (false on a no-op re-run and in a dry run).',
    ),
});
