// The generated documentation of `.bumpguard.yml`: the editor JSON Schema and the markdown
// reference rendered from it (`npm run schema`).

import { stringify } from 'yaml';
import { globalRegistry, toJSONSchema } from 'zod';
import { configSchema } from './schema.ts';

// JSON Schema of `.bumpguard.yml` for editors (docs/bumpguard.schema.json, `npm run schema`):
// the INPUT side of the zod schema, i.e. what a maintainer may write ("64KiB" as well as 65536).

export type JsonSchema = { [key: string]: unknown };

export function configJsonSchema(): JsonSchema {
  const schema = toJSONSchema(configSchema, {
    io: 'input',
    override: ({ zodSchema, jsonSchema }) => {
      // zod drops `default` and `examples` on input nodes that contain a transform (sizes and
      // percentages parse "64KiB" to bytes). Ours are valid inputs too, and editors offer them.
      const meta = globalRegistry.get(zodSchema);
      if (meta?.examples !== undefined && jsonSchema.examples === undefined) jsonSchema.examples = meta.examples as unknown[];
      if (zodSchema._zod.def.type === 'default' && jsonSchema.default === undefined) {
        jsonSchema.default = zodSchema._zod.def.defaultValue;
      }
    },
  }) as JsonSchema;
  return {
    $schema: schema.$schema,
    title: 'bumpguard configuration (.bumpguard.yml)',
    description: 'Read from the base branch of each pull request. Every field is optional; unknown keys are errors.',
    ...schema,
  };
}

// Markdown reference of every `.bumpguard.yml` field (type, default, example, description),
// rendered from the editor JSON Schema so docs/configuration.md cannot drift from the schema.
// Pure: the caller (scripts/schema.ts) writes the file.
export interface ReferenceOptions {
  /** Default-column text by field path, for defaults that live outside the schema (thresholds). */
  defaults?: Record<string, string>;
  /** Markdown appended to the section of a top-level field. */
  notes?: Record<string, string>;
}

interface Row {
  path: string;
  type: string;
  default: string;
  example: string;
  description: string;
}

interface Walk {
  rows: Row[];
  blocks: string[];
  /** Object shape (annotations of the node itself left out) → first path documented with it. */
  seen: Map<string, string>;
  opts: ReferenceOptions;
}

/**
 * A "Top-level fields" table for the plain fields, then one `### key` section per field that has
 * fields of its own, each with a table of the field and everything below it.
 */
export function renderConfigReference(schema: JsonSchema, opts: ReferenceOptions = {}): string {
  const seen = new Map<string, string>();
  const entries = Object.entries(properties(schema));
  const plain = entries.filter(([key, node]) => childrenOf(node, key).length === 0);
  const nested = entries.filter(([key, node]) => childrenOf(node, key).length > 0);
  const sections: string[] = [];
  const top: Walk = { rows: [], blocks: [], seen, opts };
  for (const [key, node] of plain) visit(node, key, false, top);
  sections.push(section('Top-level fields', '', top));
  for (const [key, node] of nested) {
    const walk: Walk = { rows: [], blocks: [], seen, opts };
    visit(node, key, false, walk);
    const note = opts.notes?.[key];
    sections.push(section(`\`${key}\``, textOf(node.description), walk) + (note ? `\n\n${note.trimEnd()}` : ''));
  }
  return sections.join('\n\n') + '\n';
}

function section(title: string, intro: string, walk: Walk): string {
  return [
    `### ${title}`,
    ...(intro ? ['', intro] : []),
    '',
    '| Field | Type | Default | Example | Description |',
    '| --- | --- | --- | --- | --- |',
    ...walk.rows.map((r) => `| \`${r.path}\` | ${r.type} | ${r.default} | ${r.example} | ${cell(r.description)} |`),
    ...walk.blocks.flatMap((b) => ['', b]),
  ].join('\n');
}

function visit(node: JsonSchema, path: string, required: boolean, walk: Walk): void {
  const shape = shapeKey(node);
  const earlier = shape === null ? undefined : walk.seen.get(shape);
  const description = textOf(node.description) + (earlier ? ` Same fields as \`${earlier}\`.` : '');
  walk.rows.push({
    path,
    type: typeOf(node),
    default: defaultOf(node, path, required, walk.opts),
    example: exampleOf(node, path, walk),
    description,
  });
  if (earlier !== undefined) return;
  if (shape !== null) walk.seen.set(shape, path);
  const children = childrenOf(node, path);
  for (const child of children) visit(child.node, child.path, child.required, walk);
}

function childrenOf(node: JsonSchema, path: string): Array<{ node: JsonSchema; path: string; required: boolean }> {
  const required = new Set((node.required as string[] | undefined) ?? []);
  const props = properties(node);
  if (Object.keys(props).length > 0) {
    return Object.entries(props).map(([k, v]) => ({ node: v, path: `${path}.${k}`, required: required.has(k) }));
  }
  const items = node.items as JsonSchema | undefined;
  // List items may take one of several shapes (anyOf): each field once, required only when every shape requires it.
  const shapes = items === undefined ? [] : Array.isArray(items.anyOf) ? (items.anyOf as JsonSchema[]) : [items];
  if (shapes.some((s) => Object.keys(properties(s)).length > 0)) {
    const fields = new Map<string, JsonSchema>();
    for (const s of shapes) for (const [k, v] of Object.entries(properties(s))) if (!fields.has(k)) fields.set(k, v);
    const requiredEverywhere = (k: string) => shapes.every((s) => ((s.required as string[] | undefined) ?? []).includes(k));
    return [...fields].map(([k, v]) => ({ node: v, path: `${path}[].${k}`, required: requiredEverywhere(k) }));
  }
  const values = node.additionalProperties;
  if (isSchema(values) && Object.keys(properties(values)).length > 0) {
    return [{ node: values, path: `${path}.<${keyName(node)}>`, required: false }];
  }
  return [];
}

function typeOf(node: JsonSchema): string {
  if (Array.isArray(node.enum)) return node.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (node.const !== undefined) return `\`${textOf(node.const)}\``;
  if (Array.isArray(node.anyOf)) return [...new Set((node.anyOf as JsonSchema[]).map(typeOf))].join(' \\| ');
  if (Array.isArray(node.type)) return node.type.join(' \\| ');
  if (node.type === 'array') return `${typeOf((node.items as JsonSchema | undefined) ?? {})}[]`;
  if (node.type === 'object' && isSchema(node.additionalProperties)) {
    return `map of ${keyName(node)} → ${typeOf(node.additionalProperties)}`;
  }
  if (node.type === 'integer') return numberRange('integer', node);
  if (node.type === 'number') return numberRange('number', node);
  if (node.type === 'string' && typeof node.minLength === 'number' && node.minLength > 0) return 'string (non-empty)';
  return typeof node.type === 'string' ? node.type : 'any';
}

function numberRange(name: string, node: JsonSchema): string {
  // zod's int() states the safe-integer range, which says nothing to a reader.
  const bound = (v: unknown): v is number => typeof v === 'number' && Math.abs(v) < Number.MAX_SAFE_INTEGER;
  const low = node.exclusiveMinimum === 0 ? '> 0' : bound(node.minimum) ? `≥ ${node.minimum}` : null;
  const high = bound(node.maximum) ? `≤ ${node.maximum.toLocaleString('en-US')}` : null;
  if (low !== null && high !== null) return `${name} ${low}, ${high}`;
  return low !== null ? `${name} ${low}` : high !== null ? `${name} ${high}` : name;
}

function defaultOf(node: JsonSchema, path: string, required: boolean, opts: ReferenceOptions): string {
  const given = opts.defaults?.[path];
  if (given !== undefined) return given;
  if (node.default === undefined) return required ? '**required**' : '—';
  // An object whose default is just its fields' defaults shows them on their rows instead.
  const props = Object.entries(properties(node));
  const implied = Object.fromEntries(props.filter(([, v]) => v.default !== undefined).map(([k, v]) => [k, v.default]));
  if (props.length > 0 && canonical(node.default) === canonical(implied)) return '—';
  return code(inline(node.default));
}

function exampleOf(node: JsonSchema, path: string, walk: Walk): string {
  const examples = node.examples as unknown[] | undefined;
  if (!examples || examples.length === 0) return '—';
  const text = inline(examples[0]);
  if (text.length <= 60 || !/^[\w]+(\.[\w]+)*$/.test(path)) return code(text);
  // Long examples of plain paths become a YAML block after the table, nested as written.
  const nested = path.split('.').reduceRight<unknown>((value, key) => ({ [key]: value }), examples[0]);
  walk.blocks.push(
    `Example of \`${path}\`:\n\n\`\`\`yaml\n${stringify(nested, { lineWidth: 0, flowCollectionPadding: false }).trimEnd()}\n\`\`\``,
  );
  return 'below';
}

/** The node without its own annotations, for "same fields as" (only objects with fields). */
function shapeKey(node: JsonSchema): string | null {
  if (Object.keys(properties(node)).length === 0) return null;
  const { description: _d, examples: _e, default: _f, ...shape } = node;
  return JSON.stringify(shape);
}

function properties(node: JsonSchema): Record<string, JsonSchema> {
  return (node.properties as Record<string, JsonSchema> | undefined) ?? {};
}

function isSchema(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function keyName(node: JsonSchema): string {
  const names = node.propertyNames as JsonSchema | undefined;
  return typeof names?.title === 'string' ? names.title : 'key';
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    isSchema(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function inline(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0, flowCollectionPadding: false }).trim();
}

function code(text: string): string {
  return `\`${text.replaceAll('|', '\\|')}\``;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** A schema value as the reference prints it: strings as they are, anything else as JSON. */
function textOf(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
