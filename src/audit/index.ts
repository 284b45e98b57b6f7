// Public surface of the audit room: other rooms import only from here.
// The recipe, the bump audit and the target orchestration (audit findings).
export { auditBump } from './audit-bump.ts';
export { auditTarget } from './audit-target.ts';
export { findSourceEdits } from './find-source-edits.ts';
export { parseFeatureTags } from './parse-featuretags.ts';
export { parseRecipe } from './parse-recipe.ts';
export { emulateFeatureTags } from './resolve-selection.ts';
export type { FeatureTable } from './types.ts';
