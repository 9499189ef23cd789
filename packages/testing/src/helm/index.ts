export * from './LocalChartRepository';
export * from './templateHelmReleases';
