// Read access to the target repository at refs, whatever holds it (a local clone for the CLI;
// src/jobs' SourceTree has the same readFile/listFiles/diff members, so either can feed an audit).

export interface RepoReader {
  /** Text of `path` at `ref`; null when the file does not exist there. Throws when the ref is unknown. */
  readFile(ref: string, path: string): Promise<string | null>;
  /** Repo-relative paths of the files under `dir` ("." for all) at `ref`, recursively; [] when absent. */
  listFiles(ref: string, dir: string): Promise<string[]>;
  /** Unified diff of what `headRef` changes since it branched from `baseRef` (a PR's diff). */
  diff(baseRef: string, headRef: string): Promise<string>;
  /** Commit SHA of a ref. */
  resolve(ref: string): Promise<string>;
}
