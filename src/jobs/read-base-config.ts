// `.bumpguard.yml` from the BASE commit only (design.md): a PR cannot loosen its own gate.
import type { Logger } from 'pino';
import { findConfigFile, parseConfig, type Config } from '../config/index.ts';
import { ConfigError } from '../errors.ts';
import type { Forge } from '../forges/index.ts';

export type BaseConfig = { ok: true; config: Config; source: string } | { ok: false; error: ConfigError; source: string };

export async function readBaseConfig(forge: Forge, baseSha: string, log: Logger): Promise<BaseConfig> {
  const found = await findConfigFile((path) => forge.readFile(path, baseSha));
  if (found) {
    const source = `${found.path} at ${baseSha.slice(0, 12)}`;
    log.info({ source }, 'config read');
    try {
      return { ok: true, config: parseConfig(found.text, found.path), source };
    } catch (err) {
      if (err instanceof ConfigError) return { ok: false, error: err, source };
      throw err;
    }
  }
  log.info({ base: baseSha }, 'no .bumpguard.yml on the base commit; using defaults');
  return { ok: true, config: parseConfig(null), source: 'defaults' };
}
