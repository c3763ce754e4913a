import { describe, expect, it } from 'vitest';
import { RecommendationsQuery, RecommendationsRequest } from '../../../schema/recommendations.js';
import { list, newRecommendationId, num, recentItem, toRecommendationsRequest } from './query.js';

describe('query translation', () => {
  it('splits lists and keeps absent values absent', () => {
    expect(list('a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(list(undefined)).toBeUndefined();
    expect(num(undefined)).toBeUndefined();
    expect(num('abc')).toBeNaN();
    expect(num('12')).toBe(12);
    expect(num('9.5')).toBe(9.5);
  });

  it('reads only plain decimals: hex, binary, octal, exponents, spaces, Infinity and empty are errors', () => {
    for (const v of ['0x10', '0b11', '0o7', '1e3', ' 5', '5 ', '', 'Infinity', '+5', '.5', '5.', '1_000'])
      expect(num(v), JSON.stringify(v)).toBeNaN();
  });

  it('reads itemId:type, keeping colons that are part of an id', () => {
    expect(recentItem('p1:click')).toEqual({ itemId: 'p1', type: 'click' });
    expect(recentItem('p1')).toEqual({ itemId: 'p1' });
    expect(recentItem('sku:12')).toEqual({ itemId: 'sku:12' });
    expect(recentItem('sku:12:add_to_cart')).toEqual({ itemId: 'sku:12', type: 'add_to_cart' });
  });

  it('turns a query into the same request the JSON body gives', () => {
    const q = RecommendationsQuery.parse({
      userId: 'u1',
      k: '5',
      recent: 'a:click,b',
      exclude: 'c,d',
      category: 'tea',
      maxPrice: '99',
      cache: 'ignored',
    });
    expect(RecommendationsRequest.parse(toRecommendationsRequest(q))).toEqual({
      userId: 'u1',
      k: 5,
      recent: [
        { itemId: 'a', type: 'click' },
        { itemId: 'b', type: 'view' },
      ],
      exclude: ['c', 'd'],
      filter: { category: ['tea'], maxPrice: 99 },
    });
  });

  it('makes recognisable random response ids', () => {
    const a = newRecommendationId();
    expect(a).toMatch(/^r_[0-9a-f]{18}$/);
    expect(newRecommendationId()).not.toBe(a);
    expect(newRecommendationId('v12')).toMatch(/^r_[0-9a-f]{18}\.v12$/);
    expect(newRecommendationId('v<1>')).toMatch(/^r_[0-9a-f]{18}\.v1$/);
  });
});
