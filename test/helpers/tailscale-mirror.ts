// Tests over the real tailscale/tailscale history run only when BUMPGUARD_TAILSCALE_MIRROR names a
// clone or bare mirror: CI has none, and no machine path is assumed.
import { existsSync } from 'node:fs';

/** The mirror directory, or why the tests using it are skipped. */
export function tailscaleMirror(): { dir: string; skip: false } | { dir: null; skip: string } {
  const dir = process.env.BUMPGUARD_TAILSCALE_MIRROR;
  if (!dir) return { dir: null, skip: 'set BUMPGUARD_TAILSCALE_MIRROR to a clone or bare mirror of tailscale/tailscale' };
  if (!existsSync(dir)) return { dir: null, skip: `BUMPGUARD_TAILSCALE_MIRROR=${dir} does not exist` };
  return { dir, skip: false };
}
