import type { Metric } from '../config/index.ts';

/** How each metric is named in findings and report headings. */
export const METRIC_LABELS = {
  image: 'compressed image',
  flash: 'on-flash size',
  rootfs: 'rootfs',
  binary: 'main binary',
  ramRss: 'RAM (RSS)',
  ramPeak: 'peak RAM',
} as const satisfies Record<Metric, string>;

export const SIZE_METRICS = ['image', 'flash', 'rootfs', 'binary'] as const satisfies readonly Metric[];
export const RAM_METRICS = ['ramRss', 'ramPeak'] as const satisfies readonly Metric[];
