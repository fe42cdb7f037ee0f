import type { FeatureModule } from '@lib/service-runtime';
import { z } from 'zod';
import { FEATURE_MODULES } from '../feature-modules';
import { environmentVariables } from './env.schema';

/** The lines around the README's generated table. */
export const TABLE_START =
  '<!-- configuration table: written by `npm run docs:config` from the settings schemas -->';
export const TABLE_END = '<!-- end of the configuration table -->';

interface VariableSchema {
  description?: string;
  /** Every default of an environment variable is one string, number or boolean. */
  default?: string | number | boolean;
  defaultText?: string;
}

/**
 * The README's configuration table, from the schema `loadConfig` validates: each variable's name, its default
 * (`defaultText` from `.meta()` where it is not one value) and its `.meta({ description })`.
 */
export function configurationTable(features: readonly FeatureModule<unknown>[] = FEATURE_MODULES): string {
  // The input side: what an operator sets, with the defaults before any transform.
  const schema = z.toJSONSchema(environmentVariables(features), { io: 'input', unrepresentable: 'any' });
  const rows = Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description, default: fallback, defaultText } = property as VariableSchema;
    if (!description) throw new Error(`${name} has no description (.meta({ description }))`);
    const shown =
      defaultText ?? (fallback === undefined || fallback === '' ? '(empty)' : `\`${String(fallback)}\``);
    return `| \`${name}\` | ${shown} | ${description} |`;
  });
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** `readme` with the text between the table's marker lines replaced by `table`. */
export function withConfigurationTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the lines ${TABLE_START} ... ${TABLE_END}`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}
