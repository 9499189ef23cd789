import { Z } from './inputProperties';

export const coderUrlInput = (z: Z) =>
  z
    .string()
    .url()
    .describe(
      'Access URL of the Coder deployment, e.g. https://coder.dev.example.com',
    );
