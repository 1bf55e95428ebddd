import { describe, expect, it } from '@jest/globals';
import { prefersYaml } from './yaml-responses.ts';

describe('prefersYaml', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['', false],
    ['application/json', false],
    ['*/*', false],
    ['application/yaml', true],
    ['text/yaml', true],
    ['application/x-yaml, application/json', true],
    ['application/json, application/yaml', false],
    ['application/json;q=0.5, application/yaml', true],
    ['application/yaml;q=0.2, application/json;q=0.9', false],
    ['application/yaml;q=0', false],
  ])('Accept %j -> %s', (accept, yaml) => {
    expect(prefersYaml(accept)).toBe(yaml);
  });
});
