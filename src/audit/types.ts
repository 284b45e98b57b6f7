// The upstream feature table as parsed from feature/featuretags/featuretags.go at one tag.

export interface FeatureMeta {
  /** Go identifier of the constant-like symbol, e.g. "AdvertiseExitNode". */
  sym: string;
  /** Human description. */
  desc: string;
  /** Direct dependencies, in source order. */
  deps: string[];
  /** Boolean flags set in the Go literal, e.g. ["ImplementationDetail"], ["NotOmittable"]. */
  flags: string[];
}

/** Feature name (e.g. "advertiseexitnode") → metadata. Insertion order = source order. */
export type FeatureTable = Map<string, FeatureMeta>;

/** A diagnostic from a parser: the input it could not fully handle, as data (not a throw). */
export interface ParseDiagnostic {
  line?: number | undefined;
  message: string;
}
