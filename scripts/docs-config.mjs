// Writes the README's configuration table from the settings schemas of the built app (npm run docs:config
// builds first); test: apps/skill-service/src/config/configuration-table.spec.ts fails while README differs.
import { readFileSync, writeFileSync } from 'node:fs';
import {
  configurationTable,
  withConfigurationTable,
} from '../dist/apps/skill-service/src/config/configuration-table.js';

const readme = new URL('../README.md', import.meta.url);
const before = readFileSync(readme, 'utf8');
const after = withConfigurationTable(before, configurationTable());
writeFileSync(readme, after);
console.log(
  after === before ? 'README.md: configuration table unchanged' : 'README.md: configuration table written',
);
