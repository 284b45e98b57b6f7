// Find the featuretags call in a recipe line: `go run ./cmd/featuretags --min --add=osrouter`,
// or a prebuilt binary whose name ends in `featuretags` (`./tools/featuretags --min …`).
// Flags follow Go's flag package: `-min`/`--min`, `--add=a,b` or `--add a,b`.
import type { FeaturetagsCall, RecipeDiagnostic } from './recipe-types.ts';
import type { ShellToken } from './shell-words.ts';
import { locate, type LogicalLine } from './split-logical-lines.ts';

type Word = Extract<ShellToken, { kind: 'word' }>;

/**
 * For each token, whether it is a word that starts a simple command (at the line start, after an
 * operator, or after `VAR=x` words). One pass: asking token by token and walking back over the
 * assignments was quadratic on a line of thousands of `A=1`.
 */
export function commandStarts(tokens: ShellToken[]): boolean[] {
  const starts: boolean[] = new Array<boolean>(tokens.length);
  let atStart = true;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    starts[k] = t.kind === 'word' && atStart;
    atStart = t.kind === 'op' || (atStart && /^[A-Za-z_][A-Za-z0-9_]*=/.test(t.value));
  }
  return starts;
}

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
    const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '' && !s.includes('$'));
    for (const n of names) call[name].push(n);
  }
  return { call, diagnostics };
}
