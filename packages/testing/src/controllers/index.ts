export * from './standInKube';
export * from './CertManagerStandIn';
export * from './PostgresOperatorStandIn';
