// The one source-tree port: read access to the target repository at refs, whatever holds it (a
// local git clone for the CLI, the forge's API for the bot). Every member takes the ref first,
// then the path, so no caller has to remember which adapter wants which order.

export interface SourceReader {
  /** Text of `path` (repo-relative) at `ref`; null when the file does not exist there. Throws when the ref is unknown. */
  readFile(ref: string, path: string): Promise<string | null>;
  /** Repo-relative paths of the files under `dir` ("." for all) at `ref`, recursively; [] when absent. */
  listFiles(ref: string, dir: string): Promise<string[]>;
  /** Unified diff of what `headRef` changes since it branched from `baseRef` (a PR's diff). */
  diff(baseRef: string, headRef: string): Promise<string>;
}

export interface SourceTree extends SourceReader {
  /** A directory holding the tree at `ref` (for building); cleaned up by `dispose`. */
  checkout(ref: string, signal: AbortSignal): Promise<string>;
  /** Remove every checkout made. */
  dispose(): Promise<void>;
}

/** A local clone also resolves branch and tag names to commits. */
export interface LocalSource extends SourceReader {
  /** Commit SHA of a ref. */
  resolve(ref: string): Promise<string>;
}
