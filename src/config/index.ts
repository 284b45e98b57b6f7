// src/config: the `.bumpguard.yml` schema and reading, the operator's engines, the generated reference. Pure.
export {
  engineRuntimeLimits,
  engineSlotLimits,
  parseEngineDefinitions,
  readEngineDefinitions,
  selectEngine,
  type EngineChoice,
  type EngineDefinition,
  type RepoBuilderPolicy,
} from './engines.ts';
export {
  buildPathsIn,
  CONFIG_PATHS,
  missingPathMessage,
  parseConfig,
  readConfigAt,
  resolveBuildPaths,
  type BuildPaths,
} from './load-config.ts';
export { configJsonSchema, renderConfigReference } from './reference.ts';
export { parseSize, type Builder, type Canary, type Config, type MetricThresholds, type ThresholdLevel } from './schema.ts';
