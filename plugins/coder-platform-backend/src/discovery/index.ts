export * from './CatalogClusterReader';
export * from './ClusterDiscovery';
export * from './discoverOnDemand';
