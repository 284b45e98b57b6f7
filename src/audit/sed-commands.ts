// The sed commands of a recipe line: their arguments as GNU sed reads them, and the feature
// strips they apply.

import { parseSedScript } from './sed-script.ts';
import { locate, type LogicalLine, type ShellToken } from './shell-lines.ts';
import type { RecipeDiagnostic, RecipeSed, SedSite } from './types.ts';
import { commandStarts } from './shell-lines.ts';

// `ts_omit_dns`, or an alternation `ts_omit_\(gro\|netstack\)` (BRE) / `ts_omit_(gro|netstack)` (ERE).
// The alternation stops at the next parenthesis either way, so a regex of thousands of unclosed
// `ts_omit_\(` is read in one pass.
const STRIP_RE = /ts_omit_(?:\\?\((?<alts>[^()]*?)\\?\)|(?<one>[A-Za-z0-9_]+))/g;

/** Longer replacements are not replayed (a strip replaces with nothing or a short prefix). */
const MAX_REPLACEMENT = 256;

/** Feature names a substitution's regex deletes the omit tag of; [] when the command is not a strip. */
function strippedFeatures(regex: string, replacement: string): string[] {
  if (/ts_omit_/.test(replacement)) return [];
  const names: string[] = [];
  for (const m of regex.matchAll(STRIP_RE)) {
    if (m.groups!.one !== undefined) names.push(m.groups!.one);
    else for (const a of m.groups!.alts!.split(/\\?\|/)) if (/^[A-Za-z0-9_]+$/.test(a)) names.push(a);
  }
  return [...new Set(names)];
}

/** Substitutions of every sed in the line that filters the tag list (`inPipeline`) or names a ts_ tag. */
export function findSedCommands(
  line: LogicalLine,
  tokens: ShellToken[],
  inPipeline: boolean,
): { seds: RecipeSed[]; diagnostics: RecipeDiagnostic[] } {
  const seds: RecipeSed[] = [];
  const diagnostics: RecipeDiagnostic[] = [];
  const starts = commandStarts(tokens);
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (!starts[k] || !isSed(t.value)) continue;
    const sed = readSedInvocation(tokens, k + 1);
    k = sed.end - 1;
    const onFiles = sed.inPlace || sed.files.length > 0;
    const mentionsTags = sed.scripts.some((s) => /ts_(omit|include)_/.test(s.word.value));
    const filter = inPipeline && !onFiles;
    if (!(mentionsTags || filter)) continue;
    const at = locate(line, t.start).line;
    for (const problem of sed.problems) diagnostics.push({ path: line.path, line: at, message: problem });
    for (const file of sed.scriptFiles) {
      if (filter)
        diagnostics.push({
          path: line.path,
          line: at,
          message: `sed -f ${file.value}: the audit does not read sed script files; list the opt-ins in recipe.optIn`,
        });
    }
    for (const script of sed.scripts) {
      const parsed = parseSedScript(script.word.value, sed.extended);
      const at = locate(line, script.word.start);
      for (const other of parsed.others) {
        diagnostics.push({ path: line.path, line: at.line, message: `sed command "${other}" is not a substitution; the audit ignores it` });
      }
      const style = siteStyle(line, tokens, script, parsed.substitutes.length);
      for (const sub of parsed.substitutes) {
        // Each replay may multiply the tag list by the replacement's length: keep that bounded.
        const tooLong = sub.replacement.length > MAX_REPLACEMENT;
        if (sub.regex === null) {
          diagnostics.push({
            path: line.path,
            line: at.line,
            message: `sed expression "${sub.source}" uses regex syntax the audit cannot replay`,
          });
        } else if (tooLong) {
          diagnostics.push({
            path: line.path,
            line: at.line,
            message: `sed expression "${sub.source.slice(0, 80)}…" has a replacement longer than ${MAX_REPLACEMENT} characters; the audit does not replay it`,
          });
        }
        seds.push({
          source: sub.source,
          regex: tooLong ? null : sub.regex,
          replacement: sub.replacement,
          global: sub.global,
          ignoreCase: sub.ignoreCase,
          features: strippedFeatures(sub.rawRegex, sub.replacement),
          site: site(line, script.word, style, sub.offset + sub.source.length),
        });
      }
    }
  }
  return { seds, diagnostics };
}

/** `sed`, or a path to it (`/bin/sed`). */
export function isSed(word: string): boolean {
  return /(^|\/)sed$/.test(word);
}

/**
 * `own-line` when `-e` and the script are the only tokens of their physical line. Tokens are in
 * offset order, so only the neighbours need looking at: checking every token of the line for
 * every script was cubic on a recipe with thousands of `-e` (found by test/fuzz).
 */
function siteStyle(line: LogicalLine, tokens: ShellToken[], script: SedInvocation['scripts'][number], commands: number): SedSite['style'] {
  if (!script.viaE || commands !== 1) return 'script';
  if (script.index === null) return 'e-arg';
  const lineOf = (t: ShellToken | undefined) => (t === undefined ? null : locate(line, t.start).line);
  const lineNo = lineOf(script.word);
  const dashE = tokens[script.index - 1];
  const alone =
    dashE?.value === '-e' &&
    lineOf(dashE) === lineNo &&
    lineOf(tokens[script.index - 2]) !== lineNo &&
    lineOf(tokens[script.index + 1]) !== lineNo;
  return alone ? 'own-line' : 'e-arg';
}

function site(line: LogicalLine, word: Word, style: SedSite['style'], commandEndInValue: number): SedSite {
  const start = locate(line, word.start);
  const end = locate(line, word.end);
  const commandEnd = word.quote === null ? null : locate(line, word.quote.contentStart + commandEndInValue).column;
  return {
    path: line.path,
    line: start.line,
    style,
    quote: word.quote?.char ?? null,
    wordStart: start.column,
    wordEnd: end.column,
    commandEnd,
  };
}

// The arguments of one `sed` command, read the way GNU sed's getopt reads them: clustered short
// options (`-ne`, `-Ei`), attached arguments (`-es/a/b/`, `-i.bak`, `--expression=…`), `--` and
// the operands after the script. The scan stops at the first shell operator (`|`, `;`, `&&` …),
// so each sed reads only its own words: reading on past an operator made a line of many seds
// quadratic and took `sed -e | cmd` for a sed with the script `cmd`.
export type Word = Extract<ShellToken, { kind: 'word' }>;

interface SedScriptArg {
  word: Word;
  /** Given with -e/--expression (false: the first operand is the script). */
  viaE: boolean;
  /** The word's index in the line's tokens; null when the script is only part of the word (`--expression=…`, `-es/…/`). */
  index: number | null;
}

export interface SedInvocation {
  scripts: SedScriptArg[];
  /** Script files (`-f FILE`, `--file=FILE`). */
  scriptFiles: Word[];
  /** Input files (operands after the script). */
  files: Word[];
  extended: boolean;
  /** `-i` / `--in-place`: the files are edited in place. */
  inPlace: boolean;
  /** Flags that change what the script does, normalised for a replay: `-n`, `-E`, `-s`, `-z`, `--posix`. */
  flags: string[];
  /** Problems reading the arguments themselves, e.g. `-e` with no script after it. */
  problems: string[];
  /** Index of the first token after this command's words (an operator or the end). */
  end: number;
}

/** Short options taking an argument: the rest of the cluster, or the next word. */
const SHORT_WITH_ARG = new Set(['e', 'f', 'l']);
const LONG_WITH_ARG = new Set(['--expression', '--file', '--line-length']);
/** Flags that change the result, by their short and long spellings; `-u`, `--debug` … do not. */
const REPLAYED: Record<string, string> = {
  n: '-n',
  '--quiet': '-n',
  '--silent': '-n',
  E: '-E',
  r: '-E',
  '--regexp-extended': '-E',
  s: '-s',
  '--separate': '-s',
  z: '-z',
  '--null-data': '-z',
  '--posix': '--posix',
};
const HARMLESS = new Set(['u', '--unbuffered', '--debug', '--sandbox', '--follow-symlinks', '--binary', 'b']);

/** Read the words after `sed` (token `from` is the first argument). Linear in the words read. */
export function readSedInvocation(tokens: ShellToken[], from: number): SedInvocation {
  const sed: SedInvocation = {
    scripts: [],
    scriptFiles: [],
    files: [],
    extended: false,
    inPlace: false,
    flags: [],
    problems: [],
    end: tokens.length,
  };
  const operands: { word: Word; index: number }[] = [];
  let optionsDone = false;
  let j = from;
  const argument = (option: string, attached: string, at: Word): { word: Word; index: number | null } | null => {
    if (attached !== '') return { word: { ...at, value: attached, quote: null }, index: null };
    const next = tokens[j + 1];
    if (next?.kind !== 'word') {
      sed.problems.push(`sed ${option} has no argument after it`);
      return null;
    }
    j++;
    return { word: next, index: j };
  };
  for (; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.kind !== 'word') break;
    const v = t.value;
    if (optionsDone || v === '-' || !v.startsWith('-')) {
      operands.push({ word: t, index: j });
    } else if (v === '--') {
      optionsDone = true;
    } else if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq < 0 ? v : v.slice(0, eq);
      const attached = eq < 0 ? '' : v.slice(eq + 1);
      if (LONG_WITH_ARG.has(name)) {
        const arg = eq < 0 ? argument(name, '', t) : { word: { ...t, value: attached, quote: null }, index: null };
        if (arg !== null) take(sed, name === '--expression' ? 'e' : name === '--file' ? 'f' : 'l', arg);
      } else if (name === '--in-place') sed.inPlace = true;
      else flag(name);
    } else {
      readCluster(v, t);
    }
  }
  sed.end = j;
  // Without -e/-f the first operand is the script; the rest are input files.
  if (sed.scripts.length === 0 && sed.scriptFiles.length === 0 && operands.length > 0) {
    const first = operands.shift()!;
    sed.scripts.push({ word: first.word, viaE: false, index: first.index });
  }
  sed.files = operands.map((o) => o.word);
  return sed;

  function readCluster(v: string, t: Word): void {
    for (let c = 1; c < v.length; c++) {
      const ch = v[c]!;
      if (SHORT_WITH_ARG.has(ch)) {
        const arg = argument(`-${ch}`, v.slice(c + 1), t);
        if (arg !== null) take(sed, ch as 'e' | 'f' | 'l', arg);
        return;
      }
      if (ch === 'i') {
        // `-i` takes an optional suffix glued to it: `-ie` is suffix "e", not -i -e.
        sed.inPlace = true;
        return;
      }
      flag(ch);
    }
  }

  function flag(name: string): void {
    const replayed = REPLAYED[name];
    if (replayed === '-E') sed.extended = true;
    if (replayed !== undefined) {
      if (!sed.flags.includes(replayed)) sed.flags.push(replayed);
    } else if (!HARMLESS.has(name)) {
      sed.problems.push(`sed option ${name.startsWith('-') ? name : `-${name}`} is not understood`);
    }
  }
}

function take(sed: SedInvocation, option: 'e' | 'f' | 'l', arg: { word: Word; index: number | null }): void {
  if (option === 'e') sed.scripts.push({ word: arg.word, viaE: true, index: arg.index });
  else if (option === 'f') sed.scriptFiles.push(arg.word);
}
