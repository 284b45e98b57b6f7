// Build constraints of the Go files a recipe copies into the Tailscale tree (patches/):
// a `//go:build ts_omit_logtail` patch silently stops compiling in when upstream renames
// the feature, so the audit checks every feature such a line names.

export interface BuildConstraint {
  path: string;
  /** 1-based line of the constraint. */
  line: number;
  /** The expression as written, e.g. "ts_omit_logtail && linux". */
  expr: string;
  /** Features named through ts_omit_X / ts_include_X tags, in order of appearance. */
  features: { feature: string; tag: string }[];
}

const TAG_RE = /\bts_(?:omit|include)_(?<feature>[A-Za-z0-9_]+)/g;

/** Constraints from the header of each Go file (before `package`); other files are skipped. */
export function parseBuildConstraints(files: { path: string; text: string }[]): BuildConstraint[] {
  const found: BuildConstraint[] = [];
  for (const file of files) {
    if (!file.path.endsWith('.go')) continue;
    const lines = file.text.split(/\r?\n/);
    let inBlock = false;
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!.trim();
      if (inBlock) {
        if (text.includes('*/')) inBlock = false;
        continue;
      }
      // Go only honours constraints in the header, before the package clause.
      if (/^package\s/.test(text)) break;
      if (text.startsWith('/*')) {
        inBlock = !text.includes('*/');
        continue;
      }
      const m = /^\/\/(?:go:build\s+|\s*\+build\s+)(?<expr>.+)$/.exec(text);
      if (!m?.groups) continue;
      const expr = m.groups.expr!.trim();
      const features = [...expr.matchAll(TAG_RE)].map((t) => ({ feature: t.groups!.feature!, tag: t[0] }));
      found.push({ path: file.path, line: i + 1, expr, features });
    }
  }
  return found;
}
