// Read the current Tailscale version from one file (used when comparing two refs,
// where there may be no PR diff to look at).
import { isTailscaleMarker } from './is-tailscale-marker.ts';
import { parseVersionAssignment, versionFileKind } from './parse-version-assignment.ts';

export interface VersionArg {
  arg: string;
  value: string;
  /** 1-based line of the assignment. */
  line: number;
}

/** The first assignment directly under a Tailscale Renovate marker, or null when the file has none. */
export function findTailscaleVersionArg(fileText: string, path: string): VersionArg | null {
  // An unrecognised name is tried with both syntaxes: the marker is what makes it ours.
  const kinds = versionFileKind(path) === null ? (['dockerfile', 'shell'] as const) : [versionFileKind(path)!];
  const lines = fileText.split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    if (!isTailscaleMarker(lines[i - 1]!)) continue;
    for (const kind of kinds) {
      const found = parseVersionAssignment(lines[i]!, kind);
      if (found) return { ...found, line: i + 1 };
    }
  }
  return null;
}
