// Check a forge answer against its (loose) zod schema; a mismatch is a typed bad-response,
// the same on every forge.
import type { z } from 'zod';
import { ForgeError } from '../errors.ts';
import type { ForgeKind } from './types.ts';

export function parseWire<S extends z.ZodType>(forge: ForgeKind, op: string, schema: S, data: unknown, status?: number): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues[0]?.path.join('.') || '(root)';
  throw new ForgeError(
    { forge, op, code: 'bad-response', cause: parsed.error, ...(status !== undefined ? { status } : {}) },
    `${forge === 'github' ? 'GitHub' : 'Gitea'} API call ${op} answered in an unexpected shape (${where}).`,
  );
}
