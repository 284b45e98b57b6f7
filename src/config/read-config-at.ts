// The one place `.bumpguard.yml` is read from a repository: at one commit (the base, for a PR:
// a PR cannot loosen its own gate), through the source-tree port, first accepted name wins.
import type { SourceReader } from '../repo/types.ts';
import { findConfigFile, parseConfig } from './load-config.ts';
import { shortSha } from '../policy/short-sha.ts';
import type { Config } from './schema.ts';

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
