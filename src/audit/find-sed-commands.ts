// Find sed commands in a recipe line and the substitutions they apply, with the source
// position of each (for a suggested fix in the same style).
import { parseSedScript } from './parse-sed-script.ts';
import type { RecipeDiagnostic, RecipeSed, SedSite } from './recipe-types.ts';
import { atCommandPosition } from './find-featuretags-call.ts';
import type { ShellToken } from './shell-words.ts';
import { locate, type LogicalLine } from './split-logical-lines.ts';

type Word = Extract<ShellToken, { kind: 'word' }>;

interface SedInvocation {
  /** `index`: the word's position in the line's tokens (null for `--expression=…`, a derived word). */
  scripts: { word: Word; viaE: boolean; index: number | null }[];
  extended: boolean;
  /** Reads files or edits in place: a source edit, not a filter of the tag list. */
  onFiles: boolean;
}

// `ts_omit_dns`, or an alternation `ts_omit_\(gro\|netstack\)` (BRE) / `ts_omit_(gro|netstack)` (ERE).
const STRIP_RE = /ts_omit_(?:\\?\((?<alts>[^)]*?)\\?\)|(?<one>[A-Za-z0-9_]+))/g;

/** Feature names a substitution's regex deletes the omit tag of; [] when the command is not a strip. */
export function strippedFeatures(regex: string, replacement: string): string[] {
  if (/ts_omit_/.test(replacement)) return [];
  const names: string[] = [];
  for (const m of regex.matchAll(STRIP_RE)) {
    if (m.groups!.one !== undefined) names.push(m.groups!.one);
    else names.push(...m.groups!.alts!.split(/\\?\|/).filter((a) => /^[A-Za-z0-9_]+$/.test(a)));
  }
  return [...new Set(names)];
}

/** Substitutions of every sed in the line that filters the tag list (`inPipeline`) or names a ts_ tag. */
export function findSedCommands(line: LogicalLine, tokens: ShellToken[], inPipeline: boolean): { seds: RecipeSed[]; diagnostics: RecipeDiagnostic[] } {
  const seds: RecipeSed[] = [];
  const diagnostics: RecipeDiagnostic[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'word' || !/(^|\/)sed$/.test(t.value) || !atCommandPosition(tokens, k)) continue;
    const sed = readInvocation(tokens, k + 1);
    const mentionsTags = sed.scripts.some((s) => /ts_(omit|include)_/.test(s.word.value));
    if (!(mentionsTags || (inPipeline && !sed.onFiles))) continue;
    for (const script of sed.scripts) {
      const parsed = parseSedScript(script.word.value, sed.extended);
      const at = locate(line, script.word.start);
      for (const other of parsed.others) {
        diagnostics.push({ path: line.path, line: at.line, message: `sed command "${other}" is not a substitution; the audit ignores it` });
      }
      const style = siteStyle(line, tokens, script, parsed.substitutes.length);
      for (const sub of parsed.substitutes) {
        if (sub.regex === null) {
          diagnostics.push({ path: line.path, line: at.line, message: `sed expression "${sub.source}" uses regex syntax the audit cannot replay` });
        }
        seds.push({
          source: sub.source,
          regex: sub.regex,
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

function readInvocation(tokens: ShellToken[], from: number): SedInvocation {
  const sed: SedInvocation = { scripts: [], extended: false, onFiles: false };
  const operands: Word[] = [];
  for (let j = from; j < tokens.length && tokens[j]!.kind === 'word'; j++) {
    const w = tokens[j] as Word;
    if (w.value === '-e' || w.value === '--expression') {
      const next = tokens[j + 1];
      if (next?.kind === 'word') sed.scripts.push({ word: next, viaE: true, index: j + 1 });
      j++;
    } else if (w.value.startsWith('--expression=')) {
      sed.scripts.push({ word: { ...w, value: w.value.slice('--expression='.length), quote: null }, viaE: true, index: null });
    } else if (/^-[a-zA-Z]+$/.test(w.value)) {
      if (/[Er]/.test(w.value)) sed.extended = true;
      if (/i/.test(w.value)) sed.onFiles = true;
    } else if (w.value === '--regexp-extended') {
      sed.extended = true;
    } else if (!w.value.startsWith('--')) {
      operands.push(w);
    }
  }
  // Without -e the first operand is the script; further operands are input files.
  if (sed.scripts.length === 0 && operands.length > 0) sed.scripts.push({ word: operands.shift()!, viaE: false, index: null });
  if (operands.length > 0) sed.onFiles = true;
  return sed;
}

/**
 * `own-line` when `-e` and the script are the only tokens of their physical line. Tokens are in
 * offset order, so only the neighbours need looking at: checking every token of the line for
 * every script was cubic on a recipe with thousands of `-e` (found by test/fuzz, issue 7).
 */
function siteStyle(line: LogicalLine, tokens: ShellToken[], script: SedInvocation['scripts'][number], commands: number): SedSite['style'] {
  if (!script.viaE || commands !== 1) return 'script';
  if (script.index === null) return 'e-arg';
  const lineOf = (t: ShellToken | undefined) => (t === undefined ? null : locate(line, t.start).line);
  const lineNo = lineOf(script.word);
  const dashE = tokens[script.index - 1];
  const alone = dashE?.value === '-e' && lineOf(dashE) === lineNo && lineOf(tokens[script.index - 2]) !== lineNo && lineOf(tokens[script.index + 1]) !== lineNo;
  return alone ? 'own-line' : 'e-arg';
}

function site(line: LogicalLine, word: Word, style: SedSite['style'], commandEndInValue: number): SedSite {
  const start = locate(line, word.start);
  const end = locate(line, word.end);
  const commandEnd = word.quote === null ? null : locate(line, word.quote.contentStart + commandEndInValue).column;
  return { path: line.path, line: start.line, style, quote: word.quote?.char ?? null, wordStart: start.column, wordEnd: end.column, commandEnd };
}
