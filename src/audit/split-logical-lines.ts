// Turn a Dockerfile or shell script into the command lines a shell would see: backslash
// continuations joined, RUN heredoc bodies unfolded, positions kept so a finding (and a
// suggested fix) can point at the physical line.

export interface LogicalLine {
  path: string;
  /** The joined command text; a joined backslash-newline becomes one space. */
  text: string;
  /** Where each physical piece starts: offset in `text` → 1-based line and 0-based column in the file. */
  pieces: { offset: number; line: number; column: number }[];
}

export interface SplitResult {
  lines: LogicalLine[];
  diagnostics: { path: string; line: number; message: string }[];
}

const HEREDOC_RE = /<<(?<dash>-?)\s*(?<quote>["']?)(?<word>[A-Za-z_][A-Za-z0-9_]*)\k<quote>/;

/** RUN commands of a Dockerfile (other instructions carry no shell), heredoc bodies included. */
export function splitDockerfile(path: string, text: string): SplitResult {
  const physical = text.split(/\r?\n/);
  const lines: LogicalLine[] = [];
  const diagnostics: SplitResult['diagnostics'] = [];
  let i = 0;
  while (i < physical.length) {
    const start = i;
    const joined = joinContinued(path, physical, i, { dockerComments: true });
    i = joined.next;
    const m = /^\s*RUN\s+(?:--[a-z-]+=\S+\s+)*/i.exec(joined.line.text);
    if (!m) continue;
    // Blank out `RUN` and its flags (same length, so offsets stay true): the shell never sees them.
    joined.line.text = ' '.repeat(m[0].length) + joined.line.text.slice(m[0].length);
    const heredoc = HEREDOC_RE.exec(joined.line.text);
    if (heredoc?.groups && !/['"]/.test(joined.line.text.slice(0, heredoc.index))) {
      const body = readHeredoc(path, physical, i, heredoc.groups.word!, heredoc.groups.dash === '-');
      if (body === null) {
        diagnostics.push({ path, line: start + 1, message: `RUN heredoc <<${heredoc.groups.word} is never closed` });
        break;
      }
      lines.push(...body.lines);
      i = body.next;
      continue;
    }
    lines.push(joined.line);
  }
  return { lines, diagnostics };
}

/** Command lines of a shell script: `\`, trailing `|`/`&&`/`||` and open quotes continue a line. */
export function splitShell(path: string, text: string, firstLine = 1): LogicalLine[] {
  const physical = text.split(/\r?\n/);
  const lines: LogicalLine[] = [];
  let i = 0;
  while (i < physical.length) {
    const joined = joinContinued(path, physical, i, { dockerComments: false, lineOffset: firstLine - 1 });
    i = joined.next;
    if (joined.line.text.trim() !== '' && !/^\s*#/.test(joined.line.text)) lines.push(joined.line);
  }
  return lines;
}

function readHeredoc(path: string, physical: string[], from: number, word: string, dash: boolean): { lines: LogicalLine[]; next: number } | null {
  for (let j = from; j < physical.length; j++) {
    const candidate = dash ? physical[j]!.replace(/^\t+/, '') : physical[j]!;
    if (candidate.trimEnd() === word) {
      return { lines: splitShell(path, physical.slice(from, j).join('\n'), from + 1), next: j + 1 };
    }
  }
  return null;
}

function joinContinued(
  path: string,
  physical: string[],
  from: number,
  opts: { dockerComments: boolean; lineOffset?: number },
): { line: LogicalLine; next: number } {
  const offset = opts.lineOffset ?? 0;
  const line: LogicalLine = { path, text: '', pieces: [] };
  const scan = newShellScan();
  let i = from;
  while (i < physical.length) {
    const raw = physical[i]!;
    i++;
    // Docker drops comment lines inside a continued instruction.
    if (opts.dockerComments && line.pieces.length > 0 && /^\s*#/.test(raw)) continue;
    // A Dockerfile comment line never continues, even when it ends in a backslash.
    const comment = opts.dockerComments && /^\s*#/.test(raw);
    const continued = !comment && /(^|[^\\])(\\\\)*\\$/.test(raw);
    const body = continued ? raw.slice(0, -1) : raw;
    line.pieces.push({ offset: line.text.length, line: i + offset, column: 0 });
    line.text += body;
    if (continued) {
      line.text += ' ';
      continue;
    }
    if (!opts.dockerComments && shellWantsMore(line.text, scan)) {
      line.text += '\n';
      continue;
    }
    break;
  }
  return { line, next: i };
}

/** Quote and `$(` state of a logical line scanned so far; `k` is where the scan resumes. */
interface ShellScan {
  k: number;
  single: boolean;
  double: boolean;
  depth: number;
  /** An unquoted `#` began a comment: nothing after it changes the state. */
  comment: boolean;
}

const newShellScan = (): ShellScan => ({ k: 0, single: false, double: false, depth: 0, comment: false });

/**
 * A shell line continues after a trailing pipe/and/or or while a quote or `$(` is open. The scan
 * resumes where the previous call stopped: rescanning the growing line on every physical line was
 * quadratic on a long unterminated quote (found by test/fuzz, issue 7).
 */
function shellWantsMore(text: string, s: ShellScan): boolean {
  const end = text.trimEnd();
  if (end.endsWith('|') || end.endsWith('&&')) return true;
  for (; !s.comment && s.k < text.length; s.k++) {
    const c = text[s.k];
    if (s.single) {
      if (c === "'") s.single = false;
    } else if (c === '\\') {
      s.k++;
    } else if (c === "'" && !s.double) {
      s.single = true;
    } else if (c === '"') {
      s.double = !s.double;
    } else if (c === '#' && !s.double && (s.k === 0 || /\s/.test(text[s.k - 1]!))) {
      s.comment = true;
    } else if (c === '$' && text[s.k + 1] === '(') {
      s.depth++;
      s.k++;
    } else if (c === ')' && s.depth > 0) {
      s.depth--;
    }
  }
  return s.single || s.double || s.depth > 0;
}

/** 1-based line and 0-based column in the file of an offset in a logical line. */
export function locate(line: LogicalLine, offset: number): { line: number; column: number } {
  // Binary search for the last piece starting at or before `offset` (pieces are in offset order):
  // a logical line joined from thousands of continuations is located in log time.
  const { pieces } = line;
  let lo = 0;
  let hi = pieces.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pieces[mid]!.offset <= offset) lo = mid;
    else hi = mid - 1;
  }
  const piece = pieces[lo]!;
  return { line: piece.line, column: piece.column + (offset - piece.offset) };
}
