// `bumpguard audit`: the feature-tag audit of a Tailscale bump in a local repo, no builds.
// Either two refs (the PR: base and head branch) or two tags against the repo's HEAD recipe.
import { resolve } from 'node:path';
import { auditTarget } from '../../audit/index.ts';
import { localEditRunner } from '../../upstream/index.ts';
import { bumpBetweenTags, bumpFindings, detectBump, type BumpDecision } from '../../bump/index.ts';
import { readConfigAt, resolveBuildPaths, type Config } from '../../config/index.ts';
import { UsageError, type LocalSource } from '../../core/index.ts';
import { decideVerdict, NOT_A_BUMP } from '../../policy/index.ts';
import { renderAuditText, type AuditReport, type JsonAuditReport } from '../../report/index.ts';
import { localGitRepo } from '../../repo/index.ts';
import { defaultCacheDir, openUpstream, parseFlags, reportUsage, upstreamLabel, upstreamSpec } from '../common-options.ts';
import { EXIT, exitCodeForVerdict, type CliIo, type Command } from '../io.ts';

export const AUDIT_HELP = `Usage: bumpguard audit --repo DIR [--base REF [--head REF] | --from vA --to vB] [options]

Audits what a Tailscale version bump does to the repo's feature selection: opted-in features
whose Deps the recipe omits, features renamed or removed upstream, patch files whose build
constraint names a missing feature, Deps and watched upstream code that changed.

Options:
  --repo DIR             git repository of the router image (default: current directory)
  --base REF             the PR's base (config is read here); the bump is found in base...head
  --head REF             the PR's head (default HEAD); the recipe is read here
  --from vA --to vB      audit the recipe at HEAD for a move from tag vA to tag vB instead
  --upstream DIR|github  tailscale/tailscale: a clone or bare mirror, a fixtures directory
                         (<dir>/<tag>/<path>) or "github" (token from GITHUB_TOKEN or GH_TOKEN)
                         (default: $BUMPGUARD_UPSTREAM, else github)
  --cache DIR            cache for GitHub reads (default $BUMPGUARD_CACHE or ~/.cache/bumpguard)
  --json                 print { bump, verdict, findings } as JSON
  -h, --help             show this help

Exit codes: 0 no blockers (warnings allowed; no bump is 0 with a note on stderr), 1 blockers,
2 usage, invalid config, unreadable repo or upstream.
`;

interface AuditArgs {
  repo: string;
  target: { baseRef: string; headRef: string } | { fromTag: string; toTag: string };
  upstream: string;
  cache: string;
  json: boolean;
}

function parseAuditArgs(io: CliIo): AuditArgs | 'help' {
  const values = parseFlags(io, {
    repo: { type: 'string' },
    base: { type: 'string' },
    head: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    upstream: { type: 'string' },
    cache: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const byRefs = values.base !== undefined || values.head !== undefined;
  const byTags = values.from !== undefined || values.to !== undefined;
  if (byRefs && byTags) throw new UsageError('give either --base/--head or --from/--to, not both');
  if (!byRefs && !byTags) throw new UsageError('say what to audit: --base REF [--head REF], or --from vA --to vB');
  if (byRefs && values.base === undefined) throw new UsageError('--head needs --base (the branch the PR merges into)');
  if (byTags && (values.from === undefined || values.to === undefined)) throw new UsageError('--from and --to go together');
  const target = byRefs ? { baseRef: values.base!, headRef: values.head ?? 'HEAD' } : { fromTag: values.from!, toTag: values.to! };
  return {
    repo: resolve(io.cwd, values.repo ?? '.'),
    target,
    upstream: upstreamSpec(io, values.upstream),
    cache: values.cache ?? defaultCacheDir(io),
    json: values.json ?? false,
  };
}

export const audit: Command = async (io) => {
  let args: AuditArgs | 'help';
  try {
    args = parseAuditArgs(io);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return reportUsage(io, 'audit', err);
  }
  if (args === 'help') {
    io.stdout.write(AUDIT_HELP);
    return EXIT.ok;
  }
  const repo = localGitRepo(args.repo);
  // Config comes from the base: a PR cannot loosen its own audit.
  const configRef = 'baseRef' in args.target ? args.target.baseRef : 'HEAD';
  const { config, source } = await readConfigAt(repo, configRef);
  const upstream = await openUpstream(io, args.upstream, config.upstream, args.cache);
  const decision = await decide(repo, args.target, config);
  const headRef = 'headRef' in args.target ? args.target.headRef : 'HEAD';
  const findings = [...bumpFindings(decision)];
  const audit = decision.bump
    ? await auditTarget({ source: repo, ref: headRef, bump: decision.bump, config, runner: localEditRunner() }, upstream)
    : null;
  if (audit) findings.push(...audit.findings);
  const { verdict, reason } = decideVerdict(findings, decision.bump || decision.ambiguous ? {} : { nothingToCheck: NOT_A_BUMP });
  const result: AuditReport = { bump: decision.bump, findings, verdict, reason, configSource: source, upstream: audit?.upstream ?? null };
  if (args.json) {
    const json: JsonAuditReport = {
      bump: result.bump,
      verdict: result.verdict,
      findings: result.findings,
      ...(result.upstream && { upstream: result.upstream }),
    };
    io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    io.stdout.write(renderAuditText(result, { upstream: upstreamLabel(args.upstream, upstream) }));
  }
  if (!decision.bump || verdict === 'error') io.stderr.write(`bumpguard audit: ${verdict}: ${reason}\n`);
  return exitCodeForVerdict(result.verdict);
};

/** The bump between two refs, or given outright by tags (placed at the Dockerfile's version line at HEAD). */
async function decide(repo: LocalSource, target: AuditArgs['target'], config: Config): Promise<BumpDecision> {
  if ('baseRef' in target) return detectBump(repo, target.baseRef, target.headRef, config);
  const path = resolveBuildPaths(config).dockerfile;
  const bump = bumpBetweenTags(target.fromTag, target.toTag, { path, text: await repo.readFile('HEAD', path) });
  return { bump, bumps: [bump], ambiguous: false, versions: { base: bump.from, head: bump.to }, markerRemoved: null };
}
