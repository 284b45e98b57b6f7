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
export interface UnreadableEdit {
  kind: 'unreadable';
  at: EditSite;
  reason: string;
}

export type SourceEdit = SedEdit | PatchEdit | CopyGoEdit | UnreadableEdit;

/** What running a sed script on one upstream file gave. */
export type SedRun =
  | { status: 'ok'; output: string }
  /** GNU sed's --sandbox refused the script (it uses `e`, `r` or `w`). */
  | { status: 'refused'; message: string }
  /** sed rejected the script or failed on the file. */
  | { status: 'failed'; message: string }
  /** Over the time or output limit: not evaluated. */
  | { status: 'limit'; message: string }
  /** No usable sed on the bot host. */
  | { status: 'unavailable'; message: string };

export type ApplyCheck =
  | { status: 'applies' }
  /** `message` is git's own account, e.g. "error: patch failed: net/tstun/wrap.go:1067". */
  | { status: 'rejected'; message: string }
  | { status: 'limit'; message: string }
  | { status: 'unavailable'; message: string };

/**
 * Runs a source edit on upstream files, on the bot host (src/audit/upstream/local-edit-runner.ts).
 * A PR's sed script and patch are untrusted: sed always runs with --sandbox, both run in a
 * temporary directory with a time and output limit, and every outcome is data, never a throw.
 */
export interface EditRunner {
  readonly describe: string;
  sed(req: { scripts: string[]; scriptText: string | null; flags: string[]; text: string }): Promise<SedRun>;
  /** `git apply --check` of `patch` against `files` (upstream-relative path → text; null: absent). */
  applyCheck(req: { patch: string; strip: number; directory: string; reverse: boolean; fuzzy: boolean; files: ReadonlyMap<string, string | null> }): Promise<ApplyCheck>;
}
