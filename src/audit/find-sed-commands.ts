// Find sed commands in a recipe line and the substitutions they apply, with the source
// position of each (for a suggested fix in the same style).
import { commandStarts } from './find-featuretags-call.ts';
import { parseSedScript } from './parse-sed-script.ts';
import { readSedInvocation, type SedInvocation, type Word } from './read-sed-invocation.ts';
import type { RecipeDiagnostic, RecipeSed, SedSite } from './recipe-types.ts';
import type { ShellToken } from './shell-words.ts';
import { locate, type LogicalLine } from './split-logical-lines.ts';

// `ts_omit_dns`, or an alternation `ts_omit_\(gro\|netstack\)` (BRE) / `ts_omit_(gro|netstack)` (ERE).
// The alternation stops at the next parenthesis either way, so a regex of thousands of unclosed
// `ts_omit_\(` is read in one pass.
const STRIP_RE = /ts_omit_(?:\\?\((?<alts>[^()]*?)\\?\)|(?<one>[A-Za-z0-9_]+))/g;

/** Longer replacements are not replayed (a strip replaces with nothing or a short prefix). */
const MAX_REPLACEMENT = 256;

/** Feature names a substitution's regex deletes the omit tag of; [] when the command is not a strip. */
export function strippedFeatures(regex: string, replacement: string): string[] {
  if (/ts_omit_/.test(replacement)) return [];
  const names: string[] = [];
  for (const m of regex.matchAll(STRIP_RE)) {
    if (m.groups!.one !== undefined) names.push(m.groups!.one);
    else for (const a of m.groups!.alts!.split(/\\?\|/)) if (/^[A-Za-z0-9_]+$/.test(a)) names.push(a);
  }
  return [...new Set(names)];
}

/** Substitutions of every sed in the line that filters the tag list (`inPipeline`) or names a ts_ tag. */
export function findSedCommands(line: LogicalLine, tokens: ShellToken[], inPipeline: boolean): { seds: RecipeSed[]; diagnostics: RecipeDiagnostic[] } {
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
      if (filter) diagnostics.push({ path: line.path, line: at, message: `sed -f ${file.value}: the audit does not read sed script files; list the opt-ins in recipe.optIn` });
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
          diagnostics.push({ path: line.path, line: at.line, message: `sed expression "${sub.source}" uses regex syntax the audit cannot replay` });
        } else if (tooLong) {
          diagnostics.push({ path: line.path, line: at.line, message: `sed expression "${sub.source.slice(0, 80)}…" has a replacement longer than ${MAX_REPLACEMENT} characters; the audit does not replay it` });
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
  const alone = dashE?.value === '-e' && lineOf(dashE) === lineNo && lineOf(tokens[script.index - 2]) !== lineNo && lineOf(tokens[script.index + 1]) !== lineNo;
  return alone ? 'own-line' : 'e-arg';
}

function site(line: LogicalLine, word: Word, style: SedSite['style'], commandEndInValue: number): SedSite {
  const start = locate(line, word.start);
  const end = locate(line, word.end);
  const commandEnd = word.quote === null ? null : locate(line, word.quote.contentStart + commandEndInValue).column;
  return { path: line.path, line: start.line, style, quote: word.quote?.char ?? null, wordStart: start.column, wordEnd: end.column, commandEnd };
}
