// The levels that apply to one platform: defaults, then `thresholds.<metric>`, then
// `thresholds.platforms[<platform>].<metric>`, merged per level (warn, fail) so a repo
// that only tightens `image.fail` keeps the default `image.warn`.
import { METRICS, type Config, type Metric, type MetricThresholds, type ThresholdLevel } from '../config/index.ts';
import { DEFAULT_THRESHOLDS } from './default-thresholds.ts';

export interface MetricLevels {
  warn?: ThresholdLevel | undefined;
  fail?: ThresholdLevel | undefined;
}

export type ResolvedThresholds = Record<Metric, MetricLevels>;

function mergeLevels(...layers: (MetricLevels | undefined)[]): MetricLevels {
  const out: MetricLevels = {};
  for (const layer of layers) {
    if (layer?.warn) out.warn = layer.warn;
    if (layer?.fail) out.fail = layer.fail;
  }
  return out;
}

/** Effective warn/fail levels per metric for `platform`. */
export function resolveThresholds(thresholds: Config['thresholds'], platform: string): ResolvedThresholds {
  const perPlatform: MetricThresholds | undefined = thresholds?.platforms?.[platform];
  const out = {} as ResolvedThresholds;
  for (const metric of METRICS) {
    out[metric] = mergeLevels(DEFAULT_THRESHOLDS[metric], thresholds?.[metric], perPlatform?.[metric]);
  }
  return out;
}
