// Read the current Tailscale version from one file (used when comparing two refs,
// where there may be no PR diff to look at).
import { isTailscaleMarker } from './is-tailscale-marker.ts';
import { parseVersionAssignment, versionFileKind, type VersionFileKind } from './parse-version-assignment.ts';

export interface VersionArg {
  arg: string;
  value: string;
  /** 1-based line of the assignment. */
  line: number;
}

/** The first assignment directly under a Tailscale Renovate marker, or null when the file has none. */
export function findTailscaleVersionArg(fileText: string, path: string): VersionArg | null {
  const lines = fileText.split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    if (!isTailscaleMarker(lines[i - 1]!)) continue;
    const found = assignmentIn(lines[i]!, path);
    if (found) return { ...found, line: i + 1 };
  }
  return null;
}

/** The first assignment of `name` (`ARG name=…`, `name=…`), marker or not; null when there is none. */
export function findVersionArgByName(fileText: string, path: string, name: string): VersionArg | null {
  const lines = fileText.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const found = assignmentIn(line, path);
    if (found?.arg === name) return { ...found, line: i + 1 };
  }
  return null;
}

function assignmentIn(line: string, path: string): { arg: string; value: string } | null {
  // An unrecognised name is tried with both syntaxes: the marker or the configured name is what makes it ours.
  const known = versionFileKind(path);
  const kinds: readonly VersionFileKind[] = known === null ? ['dockerfile', 'shell'] : [known];
  for (const kind of kinds) {
    const found = parseVersionAssignment(line, kind);
    if (found) return found;
  }
  return null;
}
