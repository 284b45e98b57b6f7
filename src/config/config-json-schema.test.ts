import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configJsonSchema, type JsonSchema } from './config-json-schema.ts';
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
      const siblings = Object.fromEntries(((shape.required as string[] | undefined) ?? []).filter((k) => k !== key)
        .map((k) => [k, (props[k]!.examples as unknown[])[0]]));
      out.push(...fields(child, [...path, key], (v) => container({ ...siblings, [key]: v })));
    }
  }
  return out;
}

describe('configJsonSchema', () => {
  const all = fields(configJsonSchema());

  it('describes every field of .bumpguard.yml', () => {
    assert.ok(all.length > 50);
    assert.deepStrictEqual(all.filter((f) => typeof f.node.description !== 'string').map((f) => f.path.join('.')), []);
  });

  it('gives an example for every field that is not just a group of other fields', () => {
    const plain = all.filter((f) => f.node.properties === undefined);
    assert.deepStrictEqual(plain.filter((f) => !Array.isArray(f.node.examples)).map((f) => f.path.join('.')), []);
  });

  it('only shows examples and defaults that .bumpguard.yml accepts as written', () => {
    for (const f of all) {
      for (const value of [...((f.node.examples as unknown[] | undefined) ?? []), ...(f.node.default === undefined ? [] : [f.node.default])]) {
        const res = configSchema.safeParse(f.wrap(value));
        assert.ok(res.success, `${f.path.join('.')}: ${JSON.stringify(value)} is rejected: ${res.error?.issues.map((i) => i.message).join('; ')}`);
      }
    }
  });

  it('accepts the size units users write and keeps their defaults (zod drops both on transforming nodes)', () => {
    const blockSize = all.find((f) => f.path.join('.') === 'measure.blockSize')!.node;
    assert.deepStrictEqual({ type: blockSize.type, default: blockSize.default, examples: blockSize.examples }, {
      type: ['string', 'number'], default: 4096, examples: ['1KiB'],
    });
  });

  it('rejects unknown keys like the parser does', () => {
    assert.equal(configJsonSchema().additionalProperties, false);
  });
});
