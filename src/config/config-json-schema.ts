// JSON Schema of `.bumpguard.yml` for editors (docs/bumpguard.schema.json, `npm run schema`):
// the INPUT side of the zod schema, i.e. what a maintainer may write ("64KiB" as well as 65536).
import { globalRegistry, toJSONSchema } from 'zod';
import { configSchema } from './schema.ts';

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
