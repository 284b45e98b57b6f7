// The arguments of one `sed` command, read the way GNU sed's getopt reads them: clustered short
// options (`-ne`, `-Ei`), attached arguments (`-es/a/b/`, `-i.bak`, `--expression=…`), `--` and
// the operands after the script. The scan stops at the first shell operator (`|`, `;`, `&&` …),
// so each sed reads only its own words: reading on past an operator made a line of many seds
// quadratic and took `sed -e | cmd` for a sed with the script `cmd`.
import type { ShellToken } from './shell-words.ts';

export type Word = Extract<ShellToken, { kind: 'word' }>;

export interface SedScriptArg {
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
  n: '-n', '--quiet': '-n', '--silent': '-n', E: '-E', r: '-E', '--regexp-extended': '-E',
  s: '-s', '--separate': '-s', z: '-z', '--null-data': '-z', '--posix': '--posix',
};
const HARMLESS = new Set(['u', '--unbuffered', '--debug', '--sandbox', '--follow-symlinks', '--binary', 'b']);

/** Read the words after `sed` (token `from` is the first argument). Linear in the words read. */
export function readSedInvocation(tokens: ShellToken[], from: number): SedInvocation {
  const sed: SedInvocation = { scripts: [], scriptFiles: [], files: [], extended: false, inPlace: false, flags: [], problems: [], end: tokens.length };
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
