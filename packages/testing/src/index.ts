/**
 * Test infrastructure for the Coder Platform suite. Never imported by shipped code.
 *
 * @packageDocumentation
 */
export * from './peers/peersEnv';
export * from './coder/CoderContractServer';
export * from './seed/walgLayout';
export * from './seed/inMemoryBucket';
export * from './gcs/storageInJest';
export * from './gcp';
export * from './seed/keycloakRealm';
export * from './seed/helmReleases';
export * from './seed/gcsTlsProxy';
export * from './seed/resticRepositories';
export * from './seed/clusterUpstreams';
export * from './replicas/replicaCluster';
export * from './replicas/RecordingPrefixProxy';
export * from './faults/proxiedUpstreams';
export * from './ingress/IngressRouter';
export * from './ingress/ingressDispatcher';
export * from './controllers';
export * from './helm';
