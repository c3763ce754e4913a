import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { HTTPError, isEdgepickError, isHTTPError, isNetworkError, isTimeoutError, NetworkError, TimeoutError } from './errors.js';

describe('error guards', () => {
  it('tell the kinds apart', () => {
    const http = new HTTPError(404, 'item_not_found', 'no item p9');
    expect(http.message).toBe('404 item_not_found: no item p9');
    expect([isHTTPError(http), isNetworkError(http), isEdgepickError(http)]).toEqual([true, false, true]);
    expect(isTimeoutError(new TimeoutError('t'))).toBe(true);
    expect(isNetworkError(new NetworkError('n'))).toBe(true);
  });

  it('match errors from another realm, where instanceof fails', () => {
    // What an iframe's copy of the SDK throws: a different HTTPError class with the same registry brand.
    const foreign = runInNewContext(`
      class HTTPError extends Error { constructor() { super('503 x: y'); this.name = 'HTTPError'; this.status = 503; this[Symbol.for('edgepick.error')] = true; } }
      new HTTPError()`);
    expect(foreign instanceof HTTPError).toBe(false);
    expect(isHTTPError(foreign)).toBe(true);
  });

  it('do not match other libraries’ errors of the same name', () => {
    const kyLike = Object.assign(new Error('Request failed'), { name: 'HTTPError', response: {} });
    expect(isHTTPError(kyLike)).toBe(false);
    expect(isEdgepickError(null) || isEdgepickError('HTTPError') || isEdgepickError(undefined)).toBe(false);
  });
});
