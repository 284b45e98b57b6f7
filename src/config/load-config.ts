// Reading `.bumpguard.yml`: the accepted file names, text into a validated Config, the one read
// at a commit, and what its `dockerfile` and `context` paths mean.

import { posix } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError, shortSha, type ConfigIssue, type SourceReader } from '../core/index.ts';
import { configSchema, type Config } from './schema.ts';

// Parse `.bumpguard.yml` text into a validated Config (pure: the caller reads the file).

export const CONFIG_PATHS = ['.bumpguard.yml', '.bumpguard.yaml', '.github/bumpguard.yml'] as const;

/** The first config file that exists, in CONFIG_PATHS order; the caller says how to read one. */
async function findConfigFile(read: (path: string) => Promise<string | null>): Promise<{ path: string; text: string } | null> {
  for (const path of CONFIG_PATHS) {
    const text = await read(path);
    if (text !== null) return { path, text };
  }
  return null;
}

/** Validate config text; `null`/empty text gives the defaults. Throws ConfigError naming each bad field. */
export function parseConfig(text: string | null, source = '.bumpguard.yml'): Config {
  let raw: unknown = {};
  if (text !== null && text.trim() !== '') {
    try {
      raw = parseYaml(text) ?? {};
    } catch (err) {
      if (err instanceof YAMLParseError) {
        const line = err.linePos?.[0]?.line;
        throw new ConfigError(
          `${source} is not valid YAML${line ? ` (line ${line})` : ''}: ${err.message.split('\n')[0]}`,
          [{ path: '', message: err.message.split('\n')[0] ?? 'invalid YAML' }],
          { cause: err },
        );
      }
      // The yaml library refuses an alias bomb ("billion laughs") with a ReferenceError.
      if (err instanceof ReferenceError && /alias/i.test(err.message)) {
        const message = `uses more YAML aliases than a config needs (${err.message})`;
        throw new ConfigError(`${source} ${message}`, [{ path: '', message }], { cause: err });
      }
      throw err;
    }
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issues: ConfigIssue[] = result.error.issues.map((i) => ({
      path: i.path.map(String).join('.') || '(root)',
      message: i.message,
    }));
    throw new ConfigError(`${source} is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  return result.data;
}

// The one place `.bumpguard.yml` is read from a repository: at one commit (the base, for a PR:
// a PR cannot loosen its own gate), through the source-tree port, first accepted name wins.
export interface ConfigAt {
  config: Config;
  /** Where it came from, for logs and reports: ".bumpguard.yml at 3f1c9a7", or "defaults (no .bumpguard.yml)". */
  source: string;
}

/** Config at `ref`; the defaults when no config file exists there. Throws ConfigError naming each bad field. */
export async function readConfigAt(reader: Pick<SourceReader, 'readFile'>, ref: string): Promise<ConfigAt> {
  const found = await findConfigFile((path) => reader.readFile(ref, path));
  if (!found) return { config: parseConfig(null), source: 'defaults (no .bumpguard.yml)' };
  return { config: parseConfig(found.text, found.path), source: `${found.path} at ${shortSha(ref)}` };
}

// What `dockerfile` and `context` in .bumpguard.yml mean, decided once for every reader (bump
// detection, the recipe audit, builds): both are relative to the repository root, exactly as
// `docker build -f <dockerfile> <context>` reads them when run at the root. `dockerfile` is never
// relative to `context`.
export interface BuildPaths {
  /** Repo-relative path of the Dockerfile, e.g. "image/Containerfile". */
  dockerfile: string;
  /** Repo-relative build context, "." for the root. */
  context: string;
}

export function resolveBuildPaths(config: Pick<Config, 'dockerfile' | 'context'>): BuildPaths {
  return { dockerfile: repoRelative(config.dockerfile), context: repoRelative(config.context) };
}

/** The Dockerfile and context inside a checkout of the repo at `treeDir`. */
export function buildPathsIn(treeDir: string, paths: BuildPaths): BuildPaths {
  return {
    dockerfile: posix.join(treeDir, paths.dockerfile),
    context: paths.context === '.' ? treeDir : posix.join(treeDir, paths.context),
  };
}

/**
 * "`dockerfile: image/Containerfile` in .bumpguard.yml names a file that does not exist at 3f1c9a7 (paths are relative to the repo root)".
 */
export function missingPathMessage(key: keyof BuildPaths, path: string, ref: string): string {
  const what = key === 'dockerfile' ? 'a file' : 'a folder';
  return `\`${key}: ${path}\` in .bumpguard.yml names ${what} that does not exist at ${shortSha(ref)} (paths are relative to the repo root)`;
}

function repoRelative(path: string): string {
  const normal = posix
    .normalize(path.replaceAll('\\', '/'))
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '');
  return normal === '' ? '.' : normal;
}
