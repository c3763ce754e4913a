import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

const get = (path: string, init?: RequestInit) => SELF.fetch(`https://edge.test${path}`, init);

describe('GET /demo/img/:id.svg', () => {
  it('serves the same SVG for the same URL, cached and script-free', async () => {
    const res = await get('/demo/img/p0001.svg?c=tea');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const svg = await res.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('#3f7d3a'); // the tea colour
    expect(svg).toContain('>p0001</text>');
    expect(svg).toBe(await (await get('/demo/img/p0001.svg?c=tea')).text());
    expect(svg).not.toBe(await (await get('/demo/img/p0002.svg?c=tea')).text());
  });

  it('escapes the label and colours unknown categories by hash', async () => {
    const label = encodeURIComponent('<script>alert("x")</script>&');
    const svg = await (await get(`/demo/img/p1.svg?c=%3Cb%3E&t=${label}`)).text();
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toMatch(/fill="hsl\(\d+ 45% 93%\)"/);
    expect(svg).not.toContain('<b>');
    const long = await (await get(`/demo/img/p1.svg?t=${'长'.repeat(40)}`)).text();
    expect(long).toContain(`>${'长'.repeat(23)}…</text>`);
  });

  it('answers bad file names with 404 and other methods with 405', async () => {
    expect((await get('/demo/img/%3Cscript%3E.svg')).status).toBe(404);
    expect((await get('/demo/img/p1.png')).status).toBe(404);
    expect((await get('/demo/img/p1.svg', { method: 'POST' })).status).toBe(405);
  });

  it('treats Object.prototype names as unknown categories (never a 500)', async () => {
    for (const c of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const res = await get(`/demo/img/p0001.svg?c=${c}`);
      expect(res.status, c).toBe(200);
      expect(await res.text()).toContain('<svg');
    }
  });
});
