// Public surface of the audit room: other rooms import only from here.
export type { FeatureMeta, FeatureTable, ParseDiagnostic } from './types.ts';
export { parseFeatureTags, type ParsedFeatureTags } from './parse-featuretags.ts';
export { requires, requiredBy } from './resolve-deps.ts';
export {
  emulateFeatureTags,
  type FeatureTagsInput,
  type FeatureTagsOptions,
  type FeatureTagsOutput,
  type FeatureTagsRun,
} from './emulate-featuretags.ts';
// The recipe, the bump audit and the target orchestration (audit findings).
export type { Recipe, RecipeSed, FeaturetagsCall, RecipeDiagnostic, SedSite } from './recipe-types.ts';
export { parseRecipe } from './parse-recipe.ts';
export { parseBuildConstraints, type BuildConstraint } from './parse-build-constraints.ts';
export { extractGoSymbol } from './extract-go-symbol.ts';
export { auditBump, type AuditBumpInput, type WatchedSymbol } from './audit-bump.ts';
export { resolveSelection, type Selection } from './resolve-selection.ts';
export { suggestStrips, type SuggestedFix } from './suggest-strips.ts';
export { auditTarget, FEATURETAGS_PATH, type AuditTargetInput } from './audit-target.ts';
