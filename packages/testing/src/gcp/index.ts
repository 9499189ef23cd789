export * from './contract';
export * from './GcpGrpcContractServer';
export * from './GcpRestContractServer';
export * from './GcpContractServer';
export * from './iamPolicies';
export * from './computeDisks';
