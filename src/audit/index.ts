// src/audit: the feature-tag audit of a bump and the upstream behind it. Pure; I/O through core's ports.
export { auditBump } from './audit-bump.ts';
export { auditTarget } from './audit-target.ts';
export { findSourceEdits } from './find-source-edits.ts';
export { parseFeatureTags } from './parse-featuretags.ts';
export { parseRecipe } from './parse-recipe.ts';
export { emulateFeatureTags } from './resolve-selection.ts';
export type { FeatureTable } from './types.ts';
