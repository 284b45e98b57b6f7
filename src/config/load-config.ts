// Parse `.bumpguard.yml` text into a validated Config (pure: the caller reads the file).
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.ts';
import { configSchema, type Config } from './schema.ts';

export const CONFIG_PATHS = ['.bumpguard.yml', '.bumpguard.yaml', '.github/bumpguard.yml'] as const;

/** The first config file that exists, in CONFIG_PATHS order; the caller says how to read one. */
export async function findConfigFile(read: (path: string) => Promise<string | null>): Promise<{ path: string; text: string } | null> {
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
        throw new ConfigError(`${source} is not valid YAML${line ? ` (line ${line})` : ''}: ${err.message.split('\n')[0]}`, [
          { path: '', message: err.message.split('\n')[0] ?? 'invalid YAML' },
        ], { cause: err });
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
    throw new ConfigError(
      `${source} is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return result.data;
}
