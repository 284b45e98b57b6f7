// The one decision "which Tailscale bump does this change make, and which version does each side
// build", made once per job and handed to the audit and to every build. Pure: the caller reads
// the diff and, when `needsDockerfiles` says so, the Dockerfile at both sides.

import { resolveBuildPaths, type Config } from '../config/index.ts';
import { BumpguardError, type Bump, type Finding, type SourceReader } from '../core/index.ts';
import {
  classifyBump,
  diffTouches,
  findTailscaleBumps,
  findTailscaleVersionArg,
  findVersionArgByName,
  type VersionArg,
} from './find-bumps.ts';

export interface BumpDecision {
  /** The bump the check judges; null when there is none, or when several disagree (see `reason`). */
  bump: Bump | null;
  /** Every Tailscale bump the diff shows. */
  bumps: Bump[];
  /** Why `bump` is null, in one line. */
  reason?: string;
  /** True when the diff changes the Tailscale version to different values and none could be chosen. */
  ambiguous: boolean;
  /** The Tailscale version each side builds, when known. */
  versions: { base: string | null; head: string | null };
  /** The Renovate marker above the version line is gone at the head (the bump was still found by name). */
  markerRemoved: { file: string; arg: string; line: number } | null;
}

export interface DecideBumpInput {
  /** Tailscale bumps found in the diff (findTailscaleBumps). */
  diffBumps: Bump[];
  /** The configured Dockerfile (repo-relative); texts undefined when not read, null when absent. */
  dockerfile: { path: string; base?: string | null; head?: string | null };
  /** `build.versionArg` from .bumpguard.yml. */
  versionArg?: string | undefined;
}

/** Whether the Dockerfile texts are needed: the diff alone settles a Renovate bump of the Dockerfile itself. */
export function needsDockerfiles(diffBumps: Bump[], dockerfile: string, diffTouchesDockerfile: boolean, versionArg?: string): boolean {
  if (versionArg !== undefined) return true;
  if (diffBumps.some((b) => b.file === dockerfile)) return false;
  return diffBumps.length > 0 || diffTouchesDockerfile;
}

export function decideBump(input: DecideBumpInput): BumpDecision {
  const { path } = input.dockerfile;
  const base = versionAt(input.dockerfile.base, path, input.versionArg, null);
  const head = versionAt(input.dockerfile.head, path, input.versionArg, base?.arg ?? null);
  const markerRemoved = base?.marked && head && !head.marked ? { file: path, arg: head.arg, line: head.line } : null;
  const bumps = [...input.diffBumps];
  // The marker can sit outside the diff's context lines, or be removed by the PR: compare the file itself.
  if (!bumps.some((b) => b.file === path) && base && head && base.value !== head.value) {
    bumps.push({
      file: path,
      line: head.line,
      arg: head.arg,
      from: base.value,
      to: head.value,
      type: classifyBump(base.value, head.value),
    });
  }
  const chosen = choose(bumps, path, input.versionArg);
  const versions = {
    base: chosen.bump?.from ?? base?.value ?? null,
    head: chosen.bump?.to ?? head?.value ?? null,
  };
  return { ...chosen, bumps, versions, markerRemoved };
}

/** Tailscale tags carry a `v`; Renovate may write the version without it. */
export function upstreamTag(version: string): string {
  return /^\d/.test(version) ? `v${version}` : version;
}

type Found = VersionArg & { marked: boolean };

/** The Tailscale version one Dockerfile builds (the marker line, or the ARG named `versionArg`); null when unknown. */
function versionIn(text: string | null, path: string, versionArg: string | undefined): string | null {
  return versionAt(text, path, versionArg, null)?.value ?? null;
}

function versionAt(text: string | null | undefined, path: string, versionArg: string | undefined, baseArg: string | null): Found | null {
  if (text === null || text === undefined) return null;
  const marked = findTailscaleVersionArg(text, path);
  if (marked && (versionArg === undefined || marked.arg === versionArg)) return { ...marked, marked: true };
  const name = versionArg ?? baseArg;
  const named = name === null ? null : findVersionArgByName(text, path, name);
  return named ? { ...named, marked: false } : null;
}

function choose(bumps: Bump[], path: string, versionArg: string | undefined): Pick<BumpDecision, 'bump' | 'reason' | 'ambiguous'> {
  if (bumps.length === 0) return { bump: null, reason: 'the change does not move the Tailscale version', ambiguous: false };
  // What is built wins: the configured Dockerfile, and in it the configured version ARG.
  const inDockerfile = bumps.filter((b) => b.file === path);
  const named = inDockerfile.filter((b) => b.arg === versionArg);
  const candidates = named.length > 0 ? named : inDockerfile.length > 0 ? inDockerfile : bumps;
  const pairs = new Set(candidates.map((b) => `${upstreamTag(b.from)} → ${upstreamTag(b.to)}`));
  if (pairs.size > 1) {
    const list = candidates.map((b) => `${b.file}:${b.line} ${b.arg} ${b.from} → ${b.to}`).join('; ');
    return { bump: null, reason: `the change moves the Tailscale version to different values (${list})`, ambiguous: true };
  }
  return { bump: candidates[0]!, ambiguous: false };
}

/** What the decision itself tells a maintainer: a vanished Renovate marker, a bump that cannot be audited. */
export function bumpFindings(d: BumpDecision): Finding[] {
  const out: Finding[] = [];
  if (d.ambiguous) {
    out.push({
      severity: 'blocker',
      kind: 'bump-unclear',
      features: [],
      introduced: true,
      acknowledged: false,
      message: `${d.reason}: set \`build.versionArg\` in .bumpguard.yml to the ARG the image builds, or \`/accept audit <reason>\``,
    });
  }
  if (d.markerRemoved) {
    const m = d.markerRemoved;
    out.push({
      severity: 'warning',
      kind: 'marker-removed',
      features: [],
      introduced: true,
      acknowledged: false,
      message: `the \`# renovate:\` marker above ${m.arg} (${m.file}:${m.line}) was removed: Renovate will stop bumping Tailscale; bumpguard found the version by the ARG name`,
    });
  }
  return out;
}

/** `bumpguard audit --from vA --to vB`: a bump given outright, placed at the version line of the Dockerfile when it has one. */
export function bumpBetweenTags(from: string, to: string, dockerfile: { path: string; text: string | null }): Bump {
  const arg = dockerfile.text === null ? null : findTailscaleVersionArg(dockerfile.text, dockerfile.path);
  return { file: dockerfile.path, line: arg?.line ?? 0, arg: arg?.arg ?? '', from, to, type: classifyBump(from, to) };
}

// Reads what the bump decision needs, once per job: the diff, and the configured Dockerfile at
// both sides only when the diff alone does not settle it (src/bump decideBump says when).
export async function detectBump(source: SourceReader, baseRef: string, headRef: string, config: Config): Promise<BumpDecision> {
  const path = resolveBuildPaths(config).dockerfile;
  const versionArg = config.build.versionArg;
  const fromDiff = await bumpsInDiff(source, baseRef, headRef, path);
  if (fromDiff !== null && !needsDockerfiles(fromDiff.bumps, path, fromDiff.touchesDockerfile, versionArg)) {
    return decideBump({ diffBumps: fromDiff.bumps, dockerfile: { path }, versionArg });
  }
  const [base, head] = await Promise.all([source.readFile(baseRef, path), source.readFile(headRef, path)]);
  return decideBump({ diffBumps: fromDiff?.bumps ?? [], dockerfile: { path, base, head }, versionArg });
}

/**
 * Bumps in the diff; null when the diff is too large to read (a PR vendoring 50 MB): then the
 * Dockerfile at both sides decides, so a big PR that bumps nothing is not held up.
 */
async function bumpsInDiff(
  source: SourceReader,
  baseRef: string,
  headRef: string,
  dockerfile: string,
): Promise<{ bumps: Bump[]; touchesDockerfile: boolean } | null> {
  try {
    const diff = await source.diff(baseRef, headRef);
    return { bumps: findTailscaleBumps(diff), touchesDockerfile: diffTouches(diff, dockerfile) };
  } catch (err) {
    if (err instanceof BumpguardError && (err.code === 'too-large' || err.code === 'diff-too-large')) return null;
    throw err;
  }
}

/** The Tailscale version one commit builds (`bumpguard measure`, where there is no second side). */
export async function versionAtRef(source: SourceReader, ref: string, config: Config): Promise<string | null> {
  const path = resolveBuildPaths(config).dockerfile;
  return versionIn(await source.readFile(ref, path), path, config.build.versionArg);
}
