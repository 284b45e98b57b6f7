// The line under the marker that holds the version: `ARG NAME=value` in a Dockerfile,
// `NAME=value` / `export NAME=value` in shell and env files; values may be quoted.
import { basename } from 'node:path/posix';

export type VersionFileKind = 'dockerfile' | 'shell';

/** Which syntax a file uses, or null when it is neither a Dockerfile nor a shell/env file. */
export function versionFileKind(path: string): VersionFileKind | null {
  const name = basename(path);
  if (/^(Dockerfile|Containerfile)(\..+)?$/i.test(name) || /\.(Dockerfile|Containerfile)$/i.test(name)) return 'dockerfile';
  if (/\.(sh|bash|env)$/i.test(name) || /^\.env(\..+)?$/i.test(name)) return 'shell';
  return null;
}

const DOCKER_RE = /^\s*(?:ARG|ENV)\s+(?<arg>[A-Za-z_][A-Za-z0-9_]*)=(?<value>"[^"]*"|'[^']*'|\S*)\s*(?:#.*)?$/i;
const SHELL_RE = /^\s*(?:export\s+|readonly\s+|declare\s+(?:-\w+\s+)?)?(?<arg>[A-Za-z_][A-Za-z0-9_]*)=(?<value>"[^"]*"|'[^']*'|[^\s;#]*)\s*(?:[;#].*)?$/;

/** `{ arg, value }` of a version assignment line (quotes removed), or null when the line is not one. */
export function parseVersionAssignment(line: string, kind: VersionFileKind): { arg: string; value: string } | null {
  const m = (kind === 'dockerfile' ? DOCKER_RE : SHELL_RE).exec(line);
  if (!m?.groups) return null;
  const value = m.groups.value!.replace(/^(["'])(.*)\1$/, '$2');
  if (value === '') return null;
  return { arg: m.groups.arg!, value };
}
