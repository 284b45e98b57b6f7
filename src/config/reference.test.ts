import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toJSONSchema, z } from 'zod';
import { configJsonSchema, renderConfigReference, type JsonSchema } from './reference.ts';
import { configSchema } from './schema.ts';

interface Field {
  path: string[];
  node: JsonSchema;
  /** Builds a whole config holding `value` at this field (siblings the schema requires filled from their examples). */
  wrap: (value: unknown) => unknown;
}

/** Every field of the JSON Schema, descending into objects, list items and map values. */
function fields(node: JsonSchema, path: string[] = [], wrap: (v: unknown) => unknown = (v) => v): Field[] {
  const out: Field[] = path.length > 0 ? [{ path, node, wrap }] : [];
  const items = node.items as JsonSchema | undefined;
  const target = items ?? (typeof node.additionalProperties === 'object' ? (node.additionalProperties as JsonSchema) : node);
  const container = (v: unknown) => (target === items ? wrap([v]) : target === node ? wrap(v) : wrap({ 'linux/arm64': v }));
  // A list item of several shapes (anyOf): each shape's fields, with that shape's required siblings.
  for (const shape of Array.isArray(target.anyOf) ? (target.anyOf as JsonSchema[]) : [target]) {
    const props = (shape.properties as Record<string, JsonSchema> | undefined) ?? {};
    for (const [key, child] of Object.entries(props)) {
      const siblings = Object.fromEntries(
        ((shape.required as string[] | undefined) ?? []).filter((k) => k !== key).map((k) => [k, (props[k]!.examples as unknown[])[0]]),
      );
      out.push(...fields(child, [...path, key], (v) => container({ ...siblings, [key]: v })));
    }
  }
  return out;
}

describe('configJsonSchema', () => {
  const all = fields(configJsonSchema());

  it('describes every field of .bumpguard.yml', () => {
    assert.ok(all.length > 50);
    assert.deepStrictEqual(
      all.filter((f) => typeof f.node.description !== 'string').map((f) => f.path.join('.')),
      [],
    );
  });

  it('gives an example for every field that is not just a group of other fields', () => {
    const plain = all.filter((f) => f.node.properties === undefined);
    assert.deepStrictEqual(
      plain.filter((f) => !Array.isArray(f.node.examples)).map((f) => f.path.join('.')),
      [],
    );
  });

  it('only shows examples and defaults that .bumpguard.yml accepts as written', () => {
    for (const f of all) {
      for (const value of [
        ...((f.node.examples as unknown[] | undefined) ?? []),
        ...(f.node.default === undefined ? [] : [f.node.default]),
      ]) {
        const res = configSchema.safeParse(f.wrap(value));
        assert.ok(
          res.success,
          `${f.path.join('.')}: ${JSON.stringify(value)} is rejected: ${res.error?.issues.map((i) => i.message).join('; ')}`,
        );
      }
    }
  });

  it('accepts the size units users write and keeps their defaults (zod drops both on transforming nodes)', () => {
    const blockSize = all.find((f) => f.path.join('.') === 'measure.blockSize')!.node;
    assert.deepStrictEqual(
      { type: blockSize.type, default: blockSize.default, examples: blockSize.examples },
      {
        type: ['string', 'number'],
        default: 4096,
        examples: ['1KiB'],
      },
    );
  });

  it('rejects unknown keys like the parser does', () => {
    assert.equal(configJsonSchema().additionalProperties, false);
  });
});

const level = z.strictObject({
  bytes: z.number().meta({ description: 'Bytes.', examples: [1] }),
  percent: z.number().meta({ description: 'Percent.', examples: [2] }),
});
const sample = z.strictObject({
  name: z
    .string()
    .default('x')
    .meta({ description: 'A name.', examples: ['y'] }),
  mode: z
    .enum(['fast', 'slow'])
    .optional()
    .meta({ description: 'How.', examples: ['slow'] }),
  hosts: z
    .record(
      z.string().meta({ title: 'platform' }),
      z.strictObject({
        url: z.string().meta({ description: 'Where.', examples: ['tcp://a:1'] }),
      }),
    )
    .default({})
    .meta({ description: 'Per platform.', examples: [{ 'linux/arm64': { url: 'tcp://arm64-builder.example.internal:1234' } }] }),
  checks: z
    .array(
      z.strictObject({
        run: z
          .string()
          .min(1)
          .meta({ description: 'Command.', examples: ['true'] }),
        expect: z
          .strictObject({
            code: z
              .number()
              .int()
              .optional()
              .meta({ description: 'Exit code.', examples: [0] }),
          })
          .default({ code: 0 })
          .meta({ description: 'Expected.', examples: [{ code: 1 }] }),
      }),
    )
    .default([])
    .meta({ description: 'Checks.', examples: [[{ run: 'true' }]] }),
  limits: z
    .strictObject({
      warn: level.optional().meta({ description: 'Warn level.' }),
      fail: level.optional().meta({ description: 'Fail level.' }),
    })
    .optional()
    .meta({ description: 'Limits.' }),
});
const schema = toJSONSchema(sample, { io: 'input' }) as JsonSchema;

/** The table rows of one `### title` section, as [field, type, default, example, description]. */
function rows(md: string, title: string): string[][] {
  const section = md.split('\n### ').find((s) => s.startsWith(title) || s.startsWith(`### ${title}`))!;
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.slice(2, -2).split(' | '));
}

describe('renderConfigReference', () => {
  const md = renderConfigReference(schema, {
    defaults: { 'limits.warn': '`{bytes: 5, percent: 1}`' },
    notes: { limits: 'Unset levels: none.' },
  });

  it('lists plain top-level fields in one table with type, default, example and description', () => {
    assert.deepStrictEqual(rows(md, 'Top-level fields'), [
      ['`name`', 'string', '`x`', '`y`', 'A name.'],
      ['`mode`', '`fast` \\| `slow`', '—', '`slow`', 'How.'],
    ]);
  });

  it('names map keys, marks required fields and moves long examples into a YAML block', () => {
    assert.deepStrictEqual(rows(md, '`hosts`'), [
      ['`hosts`', 'map of platform → object', '`{}`', 'below', 'Per platform.'],
      ['`hosts.<platform>`', 'object', '—', '—', ''],
      ['`hosts.<platform>.url`', 'string', '**required**', '`tcp://a:1`', 'Where.'],
    ]);
    assert.match(
      md,
      /Example of `hosts`:\n\n```yaml\nhosts:\n {2}linux\/arm64:\n {4}url: tcp:\/\/arm64-builder\.example\.internal:1234\n```/,
    );
  });

  it("descends into list items, quotes strings YAML would misread, and shows an object default only when it is more than its fields' defaults", () => {
    assert.deepStrictEqual(rows(md, '`checks`'), [
      ['`checks`', 'object[]', '`[]`', '`[{run: "true"}]`', 'Checks.'],
      ['`checks[].run`', 'string (non-empty)', '**required**', '`"true"`', 'Command.'],
      ['`checks[].expect`', 'object', '`{code: 0}`', '`{code: 1}`', 'Expected.'],
      ['`checks[].expect.code`', 'integer', '—', '`0`', 'Exit code.'],
    ]);
  });

  it('documents a repeated shape once and points to it, and takes defaults and notes given by the caller', () => {
    assert.deepStrictEqual(rows(md, '`limits`'), [
      ['`limits`', 'object', '—', '—', 'Limits.'],
      ['`limits.warn`', 'object', '`{bytes: 5, percent: 1}`', '—', 'Warn level.'],
      ['`limits.warn.bytes`', 'number', '**required**', '`1`', 'Bytes.'],
      ['`limits.warn.percent`', 'number', '**required**', '`2`', 'Percent.'],
      ['`limits.fail`', 'object', '—', '—', 'Fail level. Same fields as `limits.warn`.'],
    ]);
    assert.ok(
      md.trimEnd().endsWith('| `limits.fail` | object | — | — | Fail level. Same fields as `limits.warn`. |\n\nUnset levels: none.'),
    );
  });
});
