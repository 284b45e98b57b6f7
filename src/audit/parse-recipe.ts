// Read a target's feature recipe from its Dockerfile and the shell scripts it runs:
// the featuretags call, the sed strips that opt features back in, and the ts_include_ tags
// it adds. Pure: the caller reads the files; what cannot be read becomes a diagnostic.

import { posix } from 'node:path';
import { versionFileKind } from '../bump/index.ts';
import { findSedCommands } from './sed-commands.ts';
import { locate, splitDockerfile, splitShell, tokenizeShell, type LogicalLine, type ShellToken } from './shell-lines.ts';
import type { FeaturetagsCall, Recipe, RecipeDiagnostic, RecipeSed } from './types.ts';
import { commandStarts } from './shell-lines.ts';

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
      diagnostics.push({
        path: line.path,
        line: found.call.line,
        message: `a second featuretags call (${call!.path}:${call!.line} is the one audited) is ignored`,
      });
    }
    const sedFound = findSedCommands(line, tokens, found !== null);
    append(seds, sedFound.seds);
    append(diagnostics, sedFound.diagnostics);
    for (const t of tokens) if (t.kind === 'word') for (const m of t.value.matchAll(INCLUDE_RE)) includeTags.add(m[0]);
  }
  if (call === null) {
    const where = files.map((f) => f.path).join(', ') || 'no files';
    diagnostics.push({
      path: files[0]?.path ?? '',
      line: 0,
      message: `no featuretags call (go run ./cmd/featuretags …) found in ${where}`,
    });
  } else if (!call.min) {
    diagnostics.push({
      path: call.path,
      line: call.line,
      message: 'featuretags runs without --min: every feature is kept, so the sed strips select nothing',
    });
  }
  const optIns = [...new Set(seds.flatMap((s) => s.features))];
  return { featuretags: call, seds, optIns, includeTags: [...includeTags], diagnostics };
}

/** `push(...items)` passes every item as an argument and overflows the stack on a huge recipe. */
function append<T>(into: T[], items: readonly T[]): void {
  for (const item of items) into.push(item);
}

// Find the featuretags call in a recipe line: `go run ./cmd/featuretags --min --add=osrouter`,
// or a prebuilt binary whose name ends in `featuretags` (`./tools/featuretags --min …`).
// Flags follow Go's flag package: `-min`/`--min`, `--add=a,b` or `--add a,b`.
type Word = Extract<ShellToken, { kind: 'word' }>;

/** The package `go run` is given: `./cmd/featuretags`, `tailscale.com/cmd/featuretags@v1.98.8`. */
export function isFeaturetagsPackage(word: string): boolean {
  return /(^|\/)cmd\/featuretags(@\S+)?$/.test(word);
}

/** A prebuilt featuretags program run by path or name (`./tools/featuretags`). */
export function isFeaturetagsBinary(word: string): boolean {
  return /(^|\/)[\w.-]*featuretags$/.test(word);
}

export function findFeaturetagsCall(
  line: LogicalLine,
  tokens: ShellToken[],
): { call: FeaturetagsCall; diagnostics: RecipeDiagnostic[] } | null {
  const starts = commandStarts(tokens);
  for (let k = 0; k < tokens.length; k++) {
    const start = tokens[k]!;
    if (!starts[k]) continue;
    let program: number | null = null;
    if (start.value === 'go' && tokens[k + 1]?.value === 'run') {
      // The package comes after go's own flags (`-C dir`, `-mod=mod`, …), before any operator.
      for (let j = k + 2; j < tokens.length && tokens[j]!.kind === 'word'; j++) {
        if (isFeaturetagsPackage(tokens[j]!.value)) {
          program = j;
          break;
        }
      }
    } else if (isFeaturetagsBinary(start.value)) {
      program = k;
    }
    if (program === null) continue;
    const command = line.text.slice(start.start, tokens[program]!.end).replace(/\s+/g, ' ');
    return readFlags(line, tokens, program + 1, command, locate(line, start.start).line);
  }
  return null;
}

function readFlags(
  line: LogicalLine,
  tokens: ShellToken[],
  from: number,
  command: string,
  lineNo: number,
): { call: FeaturetagsCall; diagnostics: RecipeDiagnostic[] } {
  const call: FeaturetagsCall = { path: line.path, line: lineNo, command, min: false, add: [], remove: [] };
  const diagnostics: RecipeDiagnostic[] = [];
  const note = (message: string) => diagnostics.push({ path: line.path, line: lineNo, message });
  for (let j = from; j < tokens.length && tokens[j]!.kind === 'word'; j++) {
    const word = tokens[j] as Word;
    const m = /^--?(?<name>[a-z]+)(?:=(?<value>.*))?$/.exec(word.value);
    if (!m?.groups) {
      note(`featuretags argument "${word.value}" is not a flag; ignored`);
      continue;
    }
    const { name } = m.groups;
    let value = m.groups.value;
    if (name === 'min') {
      call.min = value === undefined || value === 'true' || value === '1';
      continue;
    }
    if (name !== 'add' && name !== 'remove') {
      note(`featuretags flag --${name} is not understood; the audit assumes it does not change the tag list`);
      continue;
    }
    if (value === undefined) {
      // Only a word can be the value: an operator ends the command (`--add | sed …`).
      const next = tokens[j + 1];
      value = next?.kind === 'word' ? next.value : '';
      if (next?.kind === 'word') j++;
    }
    if (value.includes('$')) note(`featuretags --${name}=${value} uses a variable the audit cannot resolve`);
    const names = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && !s.includes('$'));
    for (const n of names) call[name].push(n);
  }
  return { call, diagnostics };
}

// Which files hold the recipe: the configured Dockerfile, `recipe.files`, and every shell
// script of the repo the Dockerfile names (`RUN ./build.sh`, `COPY scripts/tags.sh …`).
/** Repo paths of the shell scripts a Dockerfile mentions by file name. */
export function findReferencedScripts(dockerfileText: string, repoPaths: string[]): string[] {
  return repoPaths.filter((p) => /\.(sh|bash)$/.test(p) && mentions(dockerfileText, posix.basename(p)));
}

function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s/"'=])${escaped}($|[\\s"';|&)])`, 'm').test(text);
}

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
