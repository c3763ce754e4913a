import { describe, expect, it } from 'vitest';
import { PlacementRules } from '../../../../schema/merchandising.js';
import { formToRules, parseNumber, type RulesForm, rulesToForm, splitList, validateForm } from './placements-form.js';

const line = (n: number) => `line ${n}`;

describe('placement rules form', () => {
  it('reads numbers strictly: a typographic minus and exponents yes, words and hex no', () => {
    expect([parseNumber(''), parseNumber(' 12 '), parseNumber('−1.5'), parseNumber('+2'), parseNumber('.5'), parseNumber('1e3')]).toEqual([
      undefined,
      12,
      -1.5,
      2,
      0.5,
      1000,
    ]);
    for (const bad of ['abc', '0x10', '1,5', 'Infinity', '--1']) expect(parseNumber(bad)).toBeNaN();
  });

  it('splits lists on ASCII, full-width and enumeration commas', () => {
    expect(splitList(' tea，pets、 coffee ,, ')).toEqual(['tea', 'pets', 'coffee']);
    expect(splitList(' , ')).toBeUndefined();
  });

  it('gives back the stored rules after a round trip through the form', () => {
    const rules = PlacementRules.parse({
      filter: { category: ['tea'], excludeTags: ['adult', 'gift'], minPrice: 5, maxPrice: 99.5 },
      pins: [
        { itemId: 'sku with space', position: 2 },
        { itemId: 'p1', position: 1 },
      ],
      boosts: [{ when: { tags: ['new'], maxPrice: 30 }, weight: -0.5 }],
      excludePurchased: false,
      maxPerCategory: 2,
      rotation: { afterImpressions: 4, hours: 12 },
      explore: { rate: 0.07, position: 4 },
    });
    const form = rulesToForm(rules);
    expect(form.exploreRate).toBe('7');
    const back = validateForm(form, line);
    expect(back).toEqual({ ok: true, rules });
    // The defaults stay defaults: nothing typed, nothing but excludePurchased stored.
    expect(validateForm(rulesToForm(PlacementRules.parse({})), line)).toEqual({ ok: true, rules: { excludePurchased: true } });
  });

  it('maps pins and boost rows back to the lines and rows they came from', () => {
    const form: RulesForm = { ...rulesToForm(PlacementRules.parse({})), pins: '\np1 1\n\np2 1' };
    form.boosts = [
      { category: '', tags: '', minPrice: '', maxPrice: '', weight: '' },
      { category: '', tags: '', minPrice: '', maxPrice: '', weight: '1' },
    ];
    expect(formToRules(form)).toMatchObject({ pinLines: [2, 4], boostRows: [1] });
    const res = validateForm(form, line);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.issues).toEqual([
      { key: 'b1', message: 'give at least one of category, tags, minPrice, maxPrice' },
      { key: 'pins', line: 4, message: 'position 1 is already taken (line 2)' },
    ]);
  });
});
