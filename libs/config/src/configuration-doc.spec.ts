import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { configVariables } from './config-variables.ts';

// Keeps docs/configuration.md honest: every variable the hub reads has a row with its default.
describe('docs/configuration.md', () => {
  const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((line) => line.startsWith('| `'));

  it.each(Object.values(configVariables).map((variable) => [variable.env, variable.default]))(
    'documents %s with its default',
    (env, defaultValue) => {
      const row = rows.find((line) => line.startsWith(`| \`${env}\` |`));
      expect(row).toBeDefined();
      expect(row).toContain(defaultValue === undefined ? '(required)' : `\`${defaultValue}\``);
    },
  );

  it('documents no variable the hub does not read', () => {
    const documented = rows.map((line) => /^\| `([A-Z0-9_]+)` \|/.exec(line)?.[1]);
    expect(documented.sort()).toEqual(Object.values(configVariables).map((variable) => variable.env).sort());
  });
});
