// Removes from an engine the image tags and containers a killed bumpguard left behind (SIGKILL, a
// host that rebooted mid-build): each carries its maker's stamp (owner-stamp.ts), and only what
// no running bumpguard can still use goes. `serve` sweeps every engine at start and then hourly,
// `check` and `measure` at start; several instances and CLI runs may share an engine.

import type { EngineDefinition } from '../config/index.ts';
import { dockerClientFor, execDocker, type DockerClient } from './docker-client.ts';
import {
  BUILD_REPOSITORY,
  judgeLeftover,
  MEASURE_REPOSITORY,
  OWNER_LABEL,
  parseStamp,
  RUN_LABEL,
  type MadeObject,
  type Owner,
} from './owner-stamp.ts';
import { processRuns } from './process-owner.ts';

export interface SweepOptions {
  nowMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Whether a process of this pid namespace runs (injected in tests). */
  runs?: ((pid: number, start: string) => boolean) | undefined;
}

interface SweptObject {
  kind: 'container' | 'image';
  /** Container id or image tag. */
  ref: string;
  why: string;
}

/** What one engine had: the leftovers removed (those the engine refused to remove are not listed). */
interface SweepOutcome {
  removed: SweptObject[];
  kept: number;
}

/** Every bumpguard container and tag on the engine, judged and, when leftovers, removed. Throws when the engine cannot be listed. */
async function sweepLeftovers(docker: DockerClient, self: Owner, opts: SweepOptions = {}): Promise<SweepOutcome> {
  const nowMs = opts.nowMs ?? Date.now();
  const runs = opts.runs ?? processRuns;
  const call = (args: string[]) => execDocker(docker, args, { reject: false, timeout: 30_000, cancelSignal: opts.signal, stdin: 'ignore' });
  const listed = async (args: string[]) => {
    const res = await call(args);
    if (res.exitCode !== 0) throw new Error(String(res.stderr || res.shortMessage).trim());
    return lines(String(res.stdout));
  };
  const containers = (
    await listed(['ps', '-a', '--filter', `label=${RUN_LABEL}`, '--format', `{{.ID}}\t{{.Label "${OWNER_LABEL}"}}\t{{.CreatedAt}}`])
  ).map((line): [string, MadeObject] => {
    const [id = '', owner = '', created = ''] = line.split('\t');
    return [id, { stamp: parseStamp(owner), engineTimeMs: parseEngineTime(created) }];
  });
  const tags = await listed([
    'images',
    ...[BUILD_REPOSITORY, MEASURE_REPOSITORY].flatMap((r) => ['--filter', `reference=${r}`]),
    '--format',
    '{{.Repository}}:{{.Tag}}',
  ]);
  const tagTimes = await lastTagTimes(
    call,
    tags.filter((t) => parseStamp(nameOf(t)) === null),
  );
  const images = tags.map((tag): [string, MadeObject] => [
    tag,
    { stamp: parseStamp(nameOf(tag)), engineTimeMs: tagTimes.get(tag) ?? null },
  ]);

  const judged = [
    ...containers.map(([ref, made]) => ({ kind: 'container' as const, ref, ...judgeLeftover(made, self, nowMs, runs) })),
    ...images.map(([ref, made]) => ({ kind: 'image' as const, ref, ...judgeLeftover(made, self, nowMs, runs) })),
  ];
  const leftovers = judged.filter((j) => j.remove);
  const removed: SweptObject[] = [];
  // Containers first: a container keeps its image. Images are untagged without force, so an
  // image that something else still uses (another tag, a container) stays in the engine.
  for (const kind of ['container', 'image'] as const) {
    const refs = leftovers.filter((l) => l.kind === kind).map((l) => l.ref);
    if (refs.length === 0) continue;
    // `rm` prints each container it removed, `rmi` "Untagged: <tag>" for each tag; errors go to stderr.
    const res = await call(kind === 'container' ? ['rm', '-f', '-v', ...refs] : ['rmi', ...refs]);
    const done = new Set(lines(String(res.stdout ?? '')).map((l) => l.replace(/^Untagged: /, '')));
    for (const l of leftovers) if (l.kind === kind && done.has(l.ref)) removed.push({ kind, ref: l.ref, why: l.why });
  }
  return { removed, kept: judged.length - leftovers.length };
}

/** One engine's sweep as the entries report it: what went, or why the engine could not be swept. */
export type EngineSweep = { engine: string; outcome: SweepOutcome } | { engine: string; error: string };

/**
 * Sweeps the bot's own engine and every operator's engine with an address or context (build-only
 * entries put nothing in an engine). Never rejects: an engine that does not answer is reported,
 * and the caller carries on.
 */
export async function sweepEngines(
  definitions: EngineDefinition[],
  self: Owner,
  opts: SweepOptions & { docker: string; env: NodeJS.ProcessEnv },
): Promise<EngineSweep[]> {
  const targets = [null, ...definitions.filter((d) => d.host !== undefined || d.context !== undefined)];
  return Promise.all(
    targets.map(async (def): Promise<EngineSweep> => {
      const client = dockerClientFor(def, opts.docker, opts.env);
      try {
        return { engine: client.engine, outcome: await sweepLeftovers(client, self, opts) };
      } catch (err) {
        return { engine: client.engine, error: firstLine(err instanceof Error ? err.message : String(err)) };
      }
    }),
  );
}

/** When each of these (unstamped) tags' images were last tagged: an upper bound on when the tag was made. */
async function lastTagTimes(call: (args: string[]) => Promise<{ stdout?: unknown }>, tags: string[]): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  if (tags.length === 0) return times;
  const res = await call(['image', 'inspect', '--format', '{{json .RepoTags}}\t{{json .Metadata.LastTagTime}}', ...tags]);
  for (const line of lines(typeof res.stdout === 'string' ? res.stdout : '')) {
    const [repoTags = '[]', lastTag = '""'] = line.split('\t');
    const at = Date.parse(JSON.parse(lastTag) as string);
    // The zero time ("0001-01-01…") means the engine did not record one.
    if (!Number.isFinite(at) || at <= 0) continue;
    for (const tag of JSON.parse(repoTags) as string[]) times.set(tag, at);
  }
  return times;
}

/** `docker ps`'s CreatedAt, "2026-12-06 01:06:32 +0000 UTC". */
function parseEngineTime(text: string): number | null {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) ([+-]\d\d)(\d\d)/.exec(text.trim());
  if (!m) return null;
  const at = Date.parse(`${m[1]}T${m[2]}${m[3]}:${m[4]}`);
  return Number.isFinite(at) ? at : null;
}

function nameOf(tag: string): string {
  return tag.slice(tag.lastIndexOf(':') + 1);
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? 'no answer';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line.trim();
}
