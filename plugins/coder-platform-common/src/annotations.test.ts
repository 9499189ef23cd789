import type { Entity } from '@backstage/catalog-model';
import {
  CODER_PLATFORM_CLUSTER_ANNOTATION,
  getEntityClusterName,
  isValidClusterName,
} from './annotations';

function entityWith(annotation?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'dev-cluster',
      annotations:
        annotation === undefined
          ? {}
          : { [CODER_PLATFORM_CLUSTER_ANNOTATION]: annotation },
    },
    spec: { type: 'coder-cluster', owner: 'platform' },
  };
}

describe('getEntityClusterName', () => {
  it('returns undefined when the entity is not bound to a cluster', () => {
    expect(getEntityClusterName(entityWith())).toBeUndefined();
  });

  it('returns the trimmed cluster name', () => {
    expect(getEntityClusterName(entityWith(' dev-eu1 '))).toBe('dev-eu1');
  });

  it.each(['Dev', '1dev', 'dev_eu', 'dev-', '', 'a'.repeat(64)])(
    'rejects the invalid name %j and names the annotation and entity',
    value => {
      expect(() => getEntityClusterName(entityWith(value))).toThrow(
        /coder-platform\.io\/cluster on Resource:default\/dev-cluster/,
      );
    },
  );
});

describe('isValidClusterName', () => {
  it.each([
    ['dev', true],
    ['dev-eu1', true],
    ['a'.repeat(63), true],
    ['-dev', false],
    ['dev.eu', false],
  ])('%j -> %s', (name, valid) => {
    expect(isValidClusterName(name)).toBe(valid);
  });
});
