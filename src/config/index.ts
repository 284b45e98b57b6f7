export { configSchema, METRICS } from './schema.ts';
export type { Config, ConfigInput, Builder, Canary, Metric, MetricThresholds, ThresholdLevel } from './schema.ts';
export { parseConfig, findConfigFile, CONFIG_PATHS } from './load-config.ts';
export { parseSize, parsePercent } from './parse-size.ts';
export { configJsonSchema, type JsonSchema } from './config-json-schema.ts';
export { renderConfigReference, type ReferenceOptions } from './render-config-reference.ts';
export { readConfigAt, type ConfigAt } from './read-config-at.ts';
export { resolveBuildPaths, buildPathsIn, missingPathMessage, type BuildPaths } from './build-paths.ts';
