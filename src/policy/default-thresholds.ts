// Thresholds used when .bumpguard.yml says nothing, sized for a typical RouterOS Tailscale image:
// ~4.0–4.3 MB compressed, rootfs ~3.9 MB, tailscale.combined ~3.5 MB UPX-packed, ~12–15 MB
// RSS on the router, where flash is a few MB: a release that adds 300 kB must not automerge
// unnoticed.
// Both bytes AND percent must be exceeded for a level to trip, so small images don't fail
// on +0.5 kB and big ones don't fail on +0.1%.
import type { Metric, MetricThresholds } from '../config/index.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

type Levels = NonNullable<MetricThresholds[Metric]>;

export const DEFAULT_THRESHOLDS = {
  // What the router downloads.
  image: { warn: { bytes: 32 * KiB, percent: 1 }, fail: { bytes: 128 * KiB, percent: 3 } },
  // What the router stores: the scarce resource on a 16 MB flash.
  flash: { warn: { bytes: 32 * KiB, percent: 1 }, fail: { bytes: 128 * KiB, percent: 3 } },
  // rootfs and binary growth explain image/flash growth; failing on them too would count
  // one regression four times, so by default they only warn.
  rootfs: { warn: { bytes: 64 * KiB, percent: 2 } },
  binary: { warn: { bytes: 64 * KiB, percent: 2 } },
  // RSS varies a few hundred KiB between runs even natively; runs within their spread are
  // treated as noise before these levels apply (evaluate-thresholds.ts).
  ramRss: { warn: { bytes: 512 * KiB, percent: 4 }, fail: { bytes: 1 * MiB, percent: 8 } },
  // Peak is noisier than steady-state RSS (start-up allocations), hence wider levels.
  ramPeak: { warn: { bytes: 1 * MiB, percent: 6 }, fail: { bytes: 2 * MiB, percent: 12 } },
} as const satisfies Record<Metric, Levels>;
