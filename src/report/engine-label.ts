// How a platform's RAM and canary figures are labelled: native when the engine that ran them has
// the platform's CPU (a Pi 5 for linux/arm64), emulated under qemu-user otherwise. The two are only
// ever compared like with like (src/policy/evaluate-thresholds.ts).
import { LOCAL_ENGINE } from '../config/index.ts';
import type { PlatformResult } from '../model.ts';

/** True when the images ran on an engine whose CPU is the platform's. */
export function isNative(p: Pick<PlatformResult, 'emulated' | 'engine'>): boolean {
  return !p.emulated && p.engine?.platform != null;
}

/** "native", "native on pi5", "🧪 emulated", "🧪 emulated on pi5"; '' when nothing says where it ran. */
export function engineWords(p: Pick<PlatformResult, 'emulated' | 'engine'>, opts: { plain?: boolean } = {}): string {
  const on = p.engine && p.engine.name !== LOCAL_ENGINE ? ` on ${p.engine.name}` : '';
  if (p.emulated) return `${opts.plain ? '' : '🧪 '}emulated${on}`;
  return isNative(p) ? `native${on}` : '';
}
