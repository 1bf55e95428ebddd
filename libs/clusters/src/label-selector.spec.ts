import { describe, expect, it } from '@jest/globals';
import { LabelSelectorError, matchesLabelSelector, parseLabelSelector } from './label-selector.ts';

describe('parseLabelSelector', () => {
  it.each([
    ['', []],
    ['  ', []],
    ['zone=a', [{ key: 'zone', operator: 'Equals', value: 'a' }]],
    ['zone==a', [{ key: 'zone', operator: 'Equals', value: 'a' }]],
    ['zone != a', [{ key: 'zone', operator: 'NotEquals', value: 'a' }]],
    ['zone=', [{ key: 'zone', operator: 'Equals', value: '' }]],
    ['topology.kubernetes.io/zone in (a, b)', [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a', 'b'] }]],
    ['tier notin (db)', [{ key: 'tier', operator: 'NotIn', values: ['db'] }]],
    ['gpu', [{ key: 'gpu', operator: 'Exists' }]],
    ['!legacy', [{ key: 'legacy', operator: 'DoesNotExist' }]],
    ['in=x', [{ key: 'in', operator: 'Equals', value: 'x' }]],
    [
      'zone in (a,b),gpu,!legacy,env!=prod',
      [
        { key: 'zone', operator: 'In', values: ['a', 'b'] },
        { key: 'gpu', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
        { key: 'env', operator: 'NotEquals', value: 'prod' },
      ],
    ],
  ])('parses %j', (text, requirements) => {
    expect(parseLabelSelector(text)).toEqual({ requirements });
  });

  it.each([
    ['zone=a,', /expected a label key at position 7, found the end/],
    ['zone a', /expected an operator .* found "a"/],
    ['zone in a', /expected "\(" at position 8/],
    ['zone in (a', /expected "," or "\)"/],
    ['zone in ()', /value set at position 8 is empty/],
    ['zone=a b', /expected "," or the end at position 7/],
    ['zone=a=b', /expected "," or the end/],
    ['zone>3', /unexpected character ">" at position 4/],
    ['Bad_Prefix/zone=a', /key prefix must be a DNS-1123 subdomain/],
    ['-zone=a', /key name must be 1-63 characters/],
    [`zone=${'x'.repeat(64)}`, /invalid label value at position 5/],
    ['!', /expected a label key at position 1/],
    ['=a', /expected a label key at position 0, found "="/],
  ])('refuses %j', (text, message) => {
    expect(() => parseLabelSelector(text)).toThrow(LabelSelectorError);
    expect(() => parseLabelSelector(text)).toThrow(message);
  });
});

describe('matchesLabelSelector', () => {
  const labels = { zone: 'a', tier: 'web', gpu: '' };

  it.each([
    ['', true],
    ['zone=a', true],
    ['zone=b', false],
    ['zone!=b', true],
    ['missing!=b', true],
    ['zone in (a,b)', true],
    ['zone in (b,c)', false],
    ['missing in (a)', false],
    ['zone notin (b)', true],
    ['zone notin (a)', false],
    ['missing notin (a)', true],
    ['gpu', true],
    ['gpu=', true],
    ['missing', false],
    ['!missing', true],
    ['!zone', false],
    ['zone=a,tier=web', true],
    ['zone=a,tier=db', false],
  ])('%j matches: %j', (text, expected) => {
    expect(matchesLabelSelector(parseLabelSelector(text), labels)).toBe(expected);
  });

  it('does not see inherited properties as labels', () => {
    expect(matchesLabelSelector(parseLabelSelector('constructor'), {})).toBe(false);
  });
});
