// What the audit reads: the upstream feature table, the target's recipe, and the edits its build
// makes to the upstream tree.

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
  /**
   * Features whose `ts_omit_` tag the command names and deletes (opt-ins), e.g. ["dns"] or ["gro", "netstack"] for
   * `ts_omit_(gro|netstack)`; [] when it is not a strip.
   */
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

// Edits a target's build makes to the upstream Tailscale tree before compiling it: `sed -i`,
// `patch`/`git apply` of a patch file from the repo, and Go files copied into upstream packages.
// Each carries where it is written, so a finding can name the Dockerfile line.

export interface EditSite {
  /** Repo path of the Dockerfile or script. */
  path: string;
  /** 1-based line of the command. */
  line: number;
  /** The command as written, on one line and shortened. */
  command: string;
}

/** `sed -i` on upstream files. */
export interface SedEdit {
  kind: 'sed';
  at: EditSite;
  /** Upstream-relative paths of the files edited. */
  files: string[];
  /** `-e` scripts (or the script operand), in order. */
  scripts: string[];
  /** Repo path of a `-f` script file, when the script comes from one. */
  scriptFile: string | null;
  /** Flags that change the result (`-n`, `-E`, `-s`, `-z`, `--posix`). */
  flags: string[];
}

/** `patch -pN < file` or `git apply file`, the patch file taken from the repo. */
export interface PatchEdit {
  kind: 'patch';
  at: EditSite;
  tool: 'patch' | 'git apply';
  /** Repo path of the patch file. */
  patchFile: string;
  /** Leading path components to strip from the patch's file names (`-p`). */
  strip: number;
  /** Upstream-relative directory the patch applies in ('' for the checkout's root). */
  directory: string;
  reverse: boolean;
}

/** Go files copied into an upstream package directory. */
export interface CopyGoEdit {
  kind: 'copy-go';
  at: EditSite;
  /** Repo paths (or globs) of the copied files, relative to the repo root. */
  sources: string[];
  /** Upstream-relative destination directory (the package). */
  destDir: string;
}

/** An edit of the upstream tree that cannot be evaluated, and why. */
interface UnreadableEdit {
  kind: 'unreadable';
  at: EditSite;
  reason: string;
}

export type SourceEdit = SedEdit | PatchEdit | CopyGoEdit | UnreadableEdit;
