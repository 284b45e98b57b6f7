// Renders src/audit/__fixtures__/featuretags/<tag>.go for every tag of the recorded upstream
// facts (test/fixtures/tailscale-featuretags.json, our copy of shared/facts/). The files follow
// the Go layout upstream used at v1.90–v1.102 (const CLI, FeatureTag type, IsOmittable switch,
// FeatureMeta struct, one `var Features = map[FeatureTag]FeatureMeta{…}` literal, short entries
// on one line and aligned like gofmt, others spread over lines), but every description and
// comment is our own text: only names, Deps (in order) and flags are facts. The output is
// gofmt-clean and deterministic.
//   node_modules/.bin/node scripts/render-featuretags-fixtures.ts [facts.json] [outDir]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface FactFeature {
  sym: string;
  deps: string[];
  flags: string[];
}
interface Facts {
  fields: Record<string, string[]>;
  tags: Record<string, Record<string, FactFeature>>;
}

const FACTS = fileURLToPath(new URL('../test/fixtures/tailscale-featuretags.json', import.meta.url));
const OUT = fileURLToPath(new URL('../src/audit/__fixtures__/featuretags/', import.meta.url));

const PRELUDE = `package featuretags

import "tailscale.com/util/set"

// CLI is opt-in (ts_include_cli) where every other feature is opt-out, so
// it is the one feature IsOmittable rejects.
const CLI FeatureTag = "cli"

// FeatureTag is the name of a feature; "ts_omit_" + name is its build tag.
type FeatureTag string

// IsOmittable reports whether a ts_omit_ tag exists for ft.
func (ft FeatureTag) IsOmittable() bool {
	switch ft {
	case CLI:
		return false
	}
	return true
}

// OmitTag is the build tag that leaves ft out of the binary.
func (ft FeatureTag) OmitTag() string {
	if ft.IsOmittable() {
		return "ts_omit_" + string(ft)
	}
	panic("fixture: cannot omit " + string(ft))
}

// Requires lists ft and every feature it needs, walking Deps with a stack.
func Requires(ft FeatureTag) set.Set[FeatureTag] {
	out := set.Set[FeatureTag]{}
	for todo := []FeatureTag{ft}; len(todo) > 0; {
		f := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		out.Add(f)
		todo = append(todo, Features[f].Deps...)
	}
	return out
}

// RequiredBy lists the features that cannot work without ft (ft included).
func RequiredBy(ft FeatureTag) set.Set[FeatureTag] {
	out := set.Set[FeatureTag]{}
	for f := range Features {
		if Requires(f).Contains(ft) {
			out.Add(f)
		}
	}
	return out
}
`;

const FIELD_COMMENTS: Record<string, string> = {
  Sym: 'Go name of the HasX constant in buildfeatures',
  Desc: 'one line for --list',
  Deps: 'features that must be kept too',
};

function renderStruct(fields: string[]): string {
  const lines = ['// FeatureMeta is what the table knows about one feature.', 'type FeatureMeta struct {'];
  const plain = fields.map((f) => f.split(' ') as [string, string]).filter(([name]) => FIELD_COMMENTS[name]);
  const nameWidth = Math.max(...plain.map(([n]) => n.length));
  const typeWidth = Math.max(...plain.map(([, t]) => t.length));
  for (const [name, type] of plain) lines.push(`\t${name.padEnd(nameWidth)} ${type.padEnd(typeWidth)} // ${FIELD_COMMENTS[name]}`);
  for (const field of fields.filter((f) => !FIELD_COMMENTS[f.split(' ')[0]!])) {
    lines.push('', `\t// ${field.split(' ')[0]} marks plumbing that users don't pick directly.`, `\t${field}`);
  }
  lines.push('}');
  return lines.join('\n');
}

// The one entry upstream spreads over lines only to hold a comment (v1.90–v1.102).
const COMMENTED = 'osrouter';

function desc(name: string): string {
  return `fixture text for ${name}`;
}

/** Struct flags are written in the literal; NotOmittable comes from IsOmittable instead. */
function literalFlags(f: FactFeature): string[] {
  return f.flags.filter((flag) => flag !== 'NotOmittable');
}

function renderEntry(name: string, f: FactFeature): string[] {
  const flags = literalFlags(f);
  const keys = ['Sym', 'Desc', ...(f.deps.length > 0 ? ['Deps'] : []), ...flags];
  const width = Math.max(...keys.map((k) => k.length)) + 1;
  const kv = (k: string, v: string) => `\t\t${`${k}:`.padEnd(width)} ${v},`;
  const lines = [`\t${JSON.stringify(name)}: {`];
  // Some upstream entries keep Sym and Desc on one line above Deps; render that shape too.
  if (f.deps.length === 1 && flags.length === 0 && name.length % 3 === 0) {
    lines.push(
      `\t\tSym: ${JSON.stringify(f.sym)}, Desc: ${JSON.stringify(desc(name))},`,
      `\t\tDeps: []FeatureTag{${JSON.stringify(f.deps[0])}},`,
    );
    return [...lines, '\t},'];
  }
  lines.push(kv('Sym', JSON.stringify(f.sym)), kv('Desc', JSON.stringify(desc(name))));
  if (f.deps.length === 1) lines.push(kv('Deps', `[]FeatureTag{${JSON.stringify(f.deps[0])}}`));
  if (f.deps.length > 1) {
    lines.push(`\t\tDeps: []FeatureTag{`);
    f.deps.forEach((d, k) => lines.push(`\t\t\t${JSON.stringify(d)},${k === 0 ? ' // order as recorded upstream' : ''}`));
    lines.push('\t\t},');
  }
  for (const flag of flags) lines.push(kv(flag, 'true'));
  if (name === COMMENTED)
    lines.push(
      '\t\t// Upstream keeps a long note inside this literal; a comment with',
      '\t\t// {braces} and "quotes" must not confuse the parser.',
    );
  return [...lines, '\t},'];
}

function renderTable(features: Record<string, FactFeature>): string {
  const lines = ['// Features is the table cmd/featuretags reads.', 'var Features = map[FeatureTag]FeatureMeta{'];
  let run: [string, FactFeature][] = [];
  const flush = () => {
    const width = Math.max(...run.map(([n]) => JSON.stringify(n).length + 1));
    for (const [n, f] of run)
      lines.push(`\t${`${JSON.stringify(n)}:`.padEnd(width)} {Sym: ${JSON.stringify(f.sym)}, Desc: ${JSON.stringify(desc(n))}},`);
    run = [];
  };
  for (const [name, f] of Object.entries(features)) {
    if (f.deps.length === 0 && literalFlags(f).length === 0 && name !== COMMENTED) {
      run.push([name, f]);
      continue;
    }
    flush();
    lines.push(...renderEntry(name, f));
  }
  flush();
  lines.push('}');
  return lines.join('\n');
}

export function renderFixture(tag: string, features: Record<string, FactFeature>, fields: string[]): string {
  const header = `// Test fixture for bumpguard, written by us in the layout of
// tailscale/tailscale feature/featuretags/featuretags.go at ${tag}. Names, Deps and
// flags are the recorded facts; descriptions and comments are ours.\n\n`;
  return `${header}${PRELUDE}\n${renderStruct(fields)}\n\n${renderTable(features)}\n`;
}

if (import.meta.main) {
  const facts = JSON.parse(readFileSync(process.argv[2] ?? FACTS, 'utf8')) as Facts;
  const out = process.argv[3] ?? OUT;
  mkdirSync(out, { recursive: true });
  for (const [tag, features] of Object.entries(facts.tags)) {
    writeFileSync(join(out, `${tag}.go`), renderFixture(tag, features, facts.fields[tag] ?? []));
  }
  console.log(`wrote ${Object.keys(facts.tags).length} fixtures to ${out}`);
}
