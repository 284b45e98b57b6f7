// Read a target's feature recipe from its Dockerfile and the shell scripts it runs:
// the featuretags call, the sed strips that opt features back in, and the ts_include_ tags
// it adds. Pure: the caller reads the files; what cannot be read becomes a diagnostic.
import { versionFileKind } from '../bump/index.ts';
import { findFeaturetagsCall } from './find-featuretags-call.ts';
import { findSedCommands } from './find-sed-commands.ts';
import type { FeaturetagsCall, Recipe, RecipeDiagnostic, RecipeSed } from './recipe-types.ts';
import { tokenizeShell } from './shell-words.ts';
import { splitDockerfile, splitShell, type LogicalLine } from './split-logical-lines.ts';

const INCLUDE_RE = /ts_include_[A-Za-z0-9_]+/g;

/** Parse the recipe; `files[0]` is normally the Dockerfile, the rest are scripts it calls. */
export function parseRecipe(files: { path: string; text: string }[]): Recipe {
  const diagnostics: RecipeDiagnostic[] = [];
  const lines: LogicalLine[] = [];
  for (const [index, file] of files.entries()) {
    // The configured Dockerfile may have any name; only a .sh/.bash first file is a script.
    const dockerfile = versionFileKind(file.path) === 'dockerfile' || (index === 0 && !/\.(sh|bash)$/.test(file.path));
    if (dockerfile) {
      const split = splitDockerfile(file.path, file.text);
      append(lines, split.lines);
      append(diagnostics, split.diagnostics);
    } else {
      append(lines, splitShell(file.path, file.text));
    }
  }
  let call: FeaturetagsCall | null = null;
  const seds: RecipeSed[] = [];
  const includeTags = new Set<string>();
  for (const line of lines) {
    const tokens = tokenizeShell(line.text);
    const found = findFeaturetagsCall(line, tokens);
    if (found && call === null) {
      call = found.call;
      append(diagnostics, found.diagnostics);
    } else if (found) {
      diagnostics.push({ path: line.path, line: found.call.line, message: `a second featuretags call (${call!.path}:${call!.line} is the one audited) is ignored` });
    }
    const sedFound = findSedCommands(line, tokens, found !== null);
    append(seds, sedFound.seds);
    append(diagnostics, sedFound.diagnostics);
    for (const t of tokens) if (t.kind === 'word') for (const m of t.value.matchAll(INCLUDE_RE)) includeTags.add(m[0]);
  }
  if (call === null) {
    const where = files.map((f) => f.path).join(', ') || 'no files';
    diagnostics.push({ path: files[0]?.path ?? '', line: 0, message: `no featuretags call (go run ./cmd/featuretags …) found in ${where}` });
  } else if (!call.min) {
    diagnostics.push({ path: call.path, line: call.line, message: 'featuretags runs without --min: every feature is kept, so the sed strips select nothing' });
  }
  const optIns = [...new Set(seds.flatMap((s) => s.features))];
  return { featuretags: call, seds, optIns, includeTags: [...includeTags], diagnostics };
}

/** `push(...items)` passes every item as an argument and overflows the stack on a huge recipe. */
function append<T>(into: T[], items: readonly T[]): void {
  for (const item of items) into.push(item);
}
