// What bumpguard reads from a target's build recipe (Dockerfile and the scripts it runs).

/** The `go run ./cmd/featuretags …` (or `./tools/featuretags …`) call that prints the omit tags. */
export interface FeaturetagsCall {
  path: string;
  /** 1-based line of the call. */
  line: number;
  /** The program as written, e.g. "go run ./cmd/featuretags". */
  command: string;
  min: boolean;
  /** `--add` features (upstream keeps them and their Deps). */
  add: string[];
  /** `--remove` features. */
  remove: string[];
}

/** Where a sed substitution sits in the file, so a fix can add a sibling in the same style. */
export interface SedSite {
  path: string;
  /** 1-based line of the substitution. */
  line: number;
  /** own-line: `-e '…'` alone on a continuation line; e-arg: a `-e '…'` among others; script: part of a `;`-joined script. */
  style: 'own-line' | 'e-arg' | 'script';
  /** Quote around the script word, when it is one simple quoted string. */
  quote: "'" | '"' | null;
  /** 0-based columns in that line of the script word (quotes included) and of the command's end. */
  wordStart: number;
  wordEnd: number;
  commandEnd: number | null;
}

/** One `s` command applied to the featuretags output. */
export interface RecipeSed {
  /** The command as written, e.g. `s/ts_omit_dns,\{0,1\}//g`. */
  source: string;
  /** JavaScript regex source; null when untranslatable (then it is also a diagnostic). */
  regex: string | null;
  replacement: string;
  global: boolean;
  ignoreCase: boolean;
  /** Features whose `ts_omit_` tag the command names and deletes (opt-ins), e.g. ["dns"] or ["gro", "netstack"] for `ts_omit_(gro|netstack)`; [] when it is not a strip. */
  features: string[];
  site: SedSite;
}

export interface RecipeDiagnostic {
  path: string;
  line: number;
  message: string;
}

export interface Recipe {
  /** null when no featuretags call was found (then the recipe is unreadable for the audit). */
  featuretags: FeaturetagsCall | null;
  /** Substitutions applied to the tag list, in pipeline order. */
  seds: RecipeSed[];
  /** Opt-ins as written: features named by strips, in order, without duplicates. */
  optIns: string[];
  /** `ts_include_*` tags the recipe adds itself, e.g. ["ts_include_cli"]. */
  includeTags: string[];
  diagnostics: RecipeDiagnostic[];
}
