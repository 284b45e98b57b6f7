// `bumpguard featuretags`: print what upstream's `go run ./cmd/featuretags` prints at a tag,
// without Go — a debugging aid for maintainers and the oracle our tests pin.
import { emulateFeatureTags, parseFeatureTags } from '../../audit/index.ts';
import { UsageError } from '../../core/index.ts';
import { defaultCacheDir, openUpstream, parseFlags, reportUsage, upstreamLabel } from '../common-options.ts';
import { EXIT, type CliIo, type Command } from '../io.ts';

export const FEATURETAGS_HELP = `Usage: bumpguard featuretags --upstream DIR|github --tag vX [--min] [--add=LIST] [--remove=LIST] [--list]

Prints what \`go run ./cmd/featuretags\` of tailscale/tailscale prints at that tag, byte for
byte, from the tag's feature/featuretags/featuretags.go (no Go toolchain needed).

Options:
  --upstream DIR|github  a clone or bare mirror of the upstream repo, a fixtures directory
                         (<dir>/<tag>/<path>), or "github" (token from GITHUB_TOKEN or GH_TOKEN)
  --tag vX               the release tag, e.g. v1.98.5
  --min                  omit every feature not kept by --add
  --add LIST             comma-separated features to keep, with their Deps
  --remove LIST          comma-separated features to omit
  --list                 list every feature with its description
  --repo OWNER/NAME      upstream repository (default tailscale/tailscale)
  --cache DIR            cache for GitHub reads (default $BUMPGUARD_CACHE or ~/.cache/bumpguard)
  -h, --help             show this help

As with Go's flag package, a repeated --add or --remove keeps its last value, and -min or
--min=true work too. Upstream's log lines carry the current local time; a panic shows only
its first lines, and where upstream would pick one of several errors at random a note says so.

Exit codes: upstream's (0, or 1 when it fails, as go run does); 2 for usage errors or when
the upstream file cannot be read.
`;

const FEATURE_TABLE = 'feature/featuretags/featuretags.go';
const LONG_FLAGS = ['upstream', 'tag', 'min', 'add', 'remove', 'list', 'repo', 'cache', 'help'];

interface FeatureTagsArgs {
  upstream: string;
  tag: string;
  min: boolean;
  add: string[];
  remove: string[];
  list: boolean;
  repo: string;
  cache: string;
}

/**
 * Go's flag package accepts `-min` for `--min` (node's parseArgs would read -m -i -n) and
 * `--min=false` for booleans; rewrite those into what parseArgs understands.
 */
function normalizeGoFlags(argv: string[]): string[] {
  const long = argv.map((a) => (LONG_FLAGS.some((f) => a === `-${f}` || a.startsWith(`-${f}=`)) ? `-${a}` : a));
  return long.flatMap((a) => {
    const bool = /^--(min|list|help)=(true|false|1|0|t|f|TRUE|FALSE|True|False|T|F)$/.exec(a);
    if (!bool) return [a];
    return ['true', '1', 't', 'TRUE', 'True', 'T'].includes(bool[2]!) ? [`--${bool[1]}`] : [];
  });
}

function parseFeatureTagsArgs(io: CliIo): FeatureTagsArgs | 'help' {
  const values = parseFlags(
    { ...io, argv: normalizeGoFlags(io.argv) },
    {
      upstream: { type: 'string' },
      tag: { type: 'string' },
      min: { type: 'boolean' },
      list: { type: 'boolean' },
      add: { type: 'string', multiple: true },
      remove: { type: 'string', multiple: true },
      repo: { type: 'string' },
      cache: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  );
  if (values.help) return 'help';
  if (!values.upstream) throw new UsageError('--upstream DIR|github is required');
  if (!values.tag) throw new UsageError('--tag is required (e.g. --tag v1.98.5)');
  const last = (list: string[] | undefined) => (list && list.length > 0 ? [list.at(-1)!] : []);
  const cache = values.cache ?? defaultCacheDir(io);
  return {
    upstream: values.upstream,
    tag: values.tag,
    min: values.min ?? false,
    list: values.list ?? false,
    add: last(values.add),
    remove: last(values.remove),
    repo: values.repo ?? 'tailscale/tailscale',
    cache,
  };
}

export const featuretags: Command = async (io) => {
  let args: FeatureTagsArgs | 'help';
  try {
    args = parseFeatureTagsArgs(io);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return reportUsage(io, 'featuretags', err);
  }
  if (args === 'help') {
    io.stdout.write(FEATURETAGS_HELP);
    return EXIT.ok;
  }
  const upstream = await openUpstream(io, args.upstream, args.repo, args.cache);
  const source = await upstream.readFile(args.tag, FEATURE_TABLE);
  if (source === null) {
    io.stderr.write(
      `bumpguard featuretags: ${FEATURE_TABLE} does not exist at ${args.tag} in ${upstreamLabel(args.upstream, upstream)}; cmd/featuretags ships from v1.90.0 on.\n`,
    );
    return EXIT.error;
  }
  const parsed = parseFeatureTags(source);
  if (parsed.diagnostics.length > 0) {
    const lines = parsed.diagnostics.map((d) => `  ${d.line === undefined ? '' : `line ${d.line}: `}${d.message}`);
    io.stderr.write(
      `bumpguard featuretags: cannot emulate ${args.tag} faithfully; its ${FEATURE_TABLE} has problems:\n${lines.join('\n')}\n`,
    );
    return EXIT.error;
  }
  const out = emulateFeatureTags(parsed, args.tag, args, { now: new Date() });
  io.stdout.write(out.stdout);
  io.stderr.write(out.stderr);
  if (!out.exact)
    io.stderr.write(
      'bumpguard featuretags: note: upstream prints a stack trace or picks one of several errors at random here; this output is one possibility.\n',
    );
  return out.exitCode;
};
