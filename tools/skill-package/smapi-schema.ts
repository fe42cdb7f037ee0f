// The skill package's JSON checked against Amazon's own definitions: the Skill Management API (SMAPI) spec
// that Amazon publishes in the npm package ask-smapi-model (spec.json, Swagger 2.0), which the ASK CLI itself
// builds on. Checked closed-world: a key the definition does not name is an error, so a misspelt field fails
// here instead of at Amazon (the spec leaves objects open).
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

type Schema = Record<string, unknown>;

/** Definitions the package files are checked against. */
export const SMAPI_DEFINITIONS = {
  manifest: 'v1.skill.Manifest.SkillManifestEnvelope',
  interactionModel: 'v1.skill.interactionModel.InteractionModelData',
  accountLinking: 'v1.skill.accountLinking.AccountLinkingRequest',
} as const;

/** Swagger 2.0 keeps JSON-schema keywords plus its own: drop Swagger's, close every object that lists its properties. */
function toClosedJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toClosedJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node as Schema)) {
    if (key.startsWith('x-') || key === 'discriminator' || key === 'example') continue;
    // A property may be named like a keyword: only the schema map under `properties` holds names.
    out[key] =
      key === 'properties' ? mapValues(value as Schema, toClosedJsonSchema) : toClosedJsonSchema(value);
  }
  if (out.properties !== undefined && out.additionalProperties === undefined && out.allOf === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

function mapValues(record: Schema, map: (value: unknown) => unknown): Schema {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

let compiled: Map<string, ValidateFunction> | undefined;

function validators(): Map<string, ValidateFunction> {
  if (compiled) return compiled;
  const spec = require('ask-smapi-model/spec.json') as { definitions: Schema };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, verbose: true });
  ajv.addSchema({ $id: 'smapi', definitions: toClosedJsonSchema(spec.definitions) });
  compiled = new Map(
    Object.values(SMAPI_DEFINITIONS).map((name) => [name, ajv.getSchema(`smapi#/definitions/${name}`)!]),
  );
  return compiled;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '(root)';
  if (error.keyword === 'additionalProperties') {
    return `${where}: unknown key "${String(error.params.additionalProperty)}"`;
  }
  if (error.keyword === 'enum')
    return `${where}: ${JSON.stringify(error.data)} is not a value the SMAPI spec allows`;
  return `${where}: ${error.message}`;
}

/** Problems of one document against a SMAPI definition, one line each (empty: valid). */
export function smapiProblems(definition: string, document: unknown): string[] {
  const validate = validators().get(definition);
  if (!validate) throw new Error(`no SMAPI definition ${definition}`);
  return validate(document) ? [] : (validate.errors ?? []).map(describe);
}
