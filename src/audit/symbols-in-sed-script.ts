// Go symbols a sed script addresses: `/func invertGSOChecksum/,/^}/ s/…/…/` edits one function,
// so that function's upstream body is worth watching even while the sed still matches.
import { parseSedScript } from './parse-sed-script.ts';

// An address regex naming a declaration: `func Name`, `func (r *Recv) Name`, `type Name`, `var Name`.
const DECL_RE = /(?:^|[^\w])func[ \t]+(?:\([ \t]*\w*[ \t]*\*?[ \t]*(?<recv>\w+)(?:\[[^\]]*\])?[ \t]*\)[ \t]*)?(?<func>[\p{L}_][\p{L}\p{Nd}_]*)|(?:^|[^\w])(?:type|var|const)[ \t]+(?<decl>[\p{L}_][\p{L}\p{Nd}_]*)/u;

/** `Name` or `Recv.Method` for each address of the script that names a Go declaration, without duplicates. */
export function symbolsInSedScript(script: string): string[] {
  const found = new Set<string>();
  for (const command of parseSedScript(script, false).others) {
    for (const address of leadingAddresses(command)) {
      // BRE escapes (`\*`, `\(`) stand for the plain characters in Go source.
      const m = DECL_RE.exec(address.replace(/\\(.)/g, '$1'));
      if (!m?.groups) continue;
      const { recv, func, decl } = m.groups;
      found.add(func !== undefined ? (recv !== undefined ? `${recv}.${func}` : func) : decl!);
    }
  }
  return [...found];
}

/** The `/regex/` (or `\cregexc`) addresses at the start of a command: one, or two joined by a comma. */
function leadingAddresses(command: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (let n = 0; n < 2; n++) {
    while (command[i] === ' ' || command[i] === '\t') i++;
    let delim = command[i];
    if (delim === '\\') delim = command[++i];
    else if (delim !== '/') break;
    if (delim === undefined) break;
    let k = i + 1;
    while (k < command.length && command[k] !== delim) k += command[k] === '\\' ? 2 : 1;
    out.push(command.slice(i + 1, k));
    i = k + 1;
    while (command[i] === ' ' || command[i] === '\t') i++;
    if (command[i] !== ',') break;
    i++;
  }
  return out;
}
