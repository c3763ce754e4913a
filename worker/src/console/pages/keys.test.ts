import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite, signIn } from '../../../../test/workers/console.js';

const BASE = 'https://edge.test';
const admin = (path: string, token: string, method = 'GET') =>
  SELF.fetch(`${BASE}/v1/admin/sites/${path}`, { method, headers: { authorization: `Bearer ${token}` } });
/** The token on the page shown right after creating a key. */
const tokenOf = (html: string) => /id="new-token">([^<]+)</.exec(html)?.[1] ?? '';
/** The revoke form's action for the key whose hint is `hint`. */
const revokeAction = (html: string, hint: string) =>
  new RegExp(`action="(/console/sites/[a-z0-9-]+/keys/key_[0-9a-f]+/revoke)"[^>]*data-confirm="[^"]*…${hint}[?？]`).exec(html)?.[1];

describe('console keys page', () => {
  it('shows the settings and keys without a secret; a new key is shown once and works as its role', async () => {
    const { keys } = await createSite('ck-a', { publicOrigin: 'https://go.shop.example' });
    const dev = await signIn(keys.developer);
    const page = await dev.get('/console/sites/ck-a/keys');
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const token of Object.values(keys)) {
      expect(html).not.toContain(token);
      expect(html).toContain(`…${token.slice(-4)}`);
    }
    expect(html).toContain('https://shop.example');
    expect(html).toContain('https://go.shop.example');
    expect(html).toContain('PATCH /v1/admin/sites/ck-a');
    expect(html).toMatch(/<div class="table-wrap">\s*<table[ >]/);
    expect(html).toContain('<label for="key-role">');
    expect(html).toContain('<label for="key-label">');

    const made = await dev.post('/console/sites/ck-a/keys', { role: 'developer', label: 'CI deploy' });
    expect(made.status).toBe(201);
    const madeHtml = await made.text();
    const token = tokenOf(madeHtml);
    expect(token).toMatch(/^ep_dev_/);
    expect(madeHtml.split(token).length - 1).toBe(1);
    expect(madeHtml).toContain('data-copy="#new-token"');
    expect(made.headers.get('location')).toBeNull();
    expect(made.headers.getSetCookie().join(';')).not.toContain(token);
    // As the admin API sees it: a developer of ck-a.
    expect((await admin('ck-a/keys', token)).status).toBe(200);
    expect((await admin('ck-a/links', token)).status).toBe(403);
    // Later pages never show it again.
    const again = await (await dev.get('/console/sites/ck-a/keys')).text();
    expect(again).not.toContain(token);
    expect(again).toContain('CI deploy');

    const pub = tokenOf(await (await dev.post('/console/sites/ck-a/keys', { role: 'public' })).text());
    expect(pub).toMatch(/^ep_pub_/);
    const popular = (key: string) => SELF.fetch(`${BASE}/v1/sites/ck-a/popular?k=1`, { headers: { 'x-edgepick-key': key } });
    expect((await popular('ep_pub_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(401);
    expect((await popular(pub)).status).not.toBe(401);
    const mkt = tokenOf(await (await dev.post('/console/sites/ck-a/keys', { role: 'marketer', label: 'agency' })).text());
    expect((await admin('ck-a/links', mkt)).status).toBe(200);
    expect((await admin('ck-a/keys', mkt)).status).toBe(403);
  });

  it('refuses a bad role or label with the schema message next to the field, and renders a label as text', async () => {
    const { keys } = await createSite('ck-b');
    const dev = await signIn(keys.developer);
    const bad = await dev.post('/console/sites/ck-b/keys', { role: 'root', label: 'x'.repeat(101) });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toMatch(/id="role-error" class="field-error"[^>]*>[^<]*(Invalid|expected)/i);
    expect(badHtml).toMatch(/id="label-error" class="field-error"[^>]*>[^<]*100/);
    expect(badHtml).toMatch(/id="key-label"[^>]*aria-invalid="true"/);

    const xss = '<script>alert(1)</script>';
    expect((await dev.post('/console/sites/ck-b/keys', { role: 'public', label: xss })).status).toBe(201);
    const html = await (await dev.get('/console/sites/ck-b/keys')).text();
    expect(html).not.toContain(xss);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('revokes in two steps without script: a confirmation page, then the revoke; the token is refused afterwards', async () => {
    const { keys } = await createSite('ck-c');
    const dev = await signIn(keys.developer);
    const page = await (await dev.get('/console/sites/ck-c/keys')).text();
    const action = revokeAction(page, keys.marketer.slice(-4))!;
    expect(action).toBeDefined();
    expect((await admin('ck-c/links', keys.marketer)).status).toBe(200);

    // First POST (what a no-script click sends): only a confirmation page; nothing revoked.
    const ask = await dev.post(action, { confirm: '' });
    expect(ask.status).toBe(200);
    const askHtml = await ask.text();
    expect(askHtml).toContain('name="confirm" value="yes"');
    expect(askHtml).toContain(`action="${action}"`);
    expect((await admin('ck-c/links', keys.marketer)).status).toBe(200);

    const done = await dev.post(action, { confirm: 'yes' });
    expect(done.status).toBe(303);
    expect((await admin('ck-c/links', keys.marketer)).status).toBe(401);
    const after = await (await dev.get(done.headers.get('location')!)).text();
    expect(after).toContain(`…${keys.marketer.slice(-4)}`);
    expect(after).toMatch(/class="notice" role="status"/);
    expect(revokeAction(after, keys.marketer.slice(-4))).toBeUndefined();

    // Again: the store's refusal is a notice, not a 500.
    const twice = await dev.post(action, { confirm: 'yes' });
    expect(twice.status).toBe(404);
    expect(await twice.text()).toMatch(/class="notice error"/);
    // And without the CSRF token nothing happens.
    expect((await dev.post(action.replace(/key_[0-9a-f]+/, 'key_000000000000'), { confirm: 'yes' }, { csrf: false })).status).toBe(403);
  });

  it('is for developers and the owner: a marketer or another site’s developer gets a 403 page; the demo site says it has no keys', async () => {
    const a = await createSite('ck-d');
    const b = await createSite('ck-e');
    const marketer = await signIn(a.keys.marketer);
    const other = await signIn(b.keys.developer);
    for (const [client, path] of [
      [marketer, '/console/sites/ck-d/keys'],
      [other, '/console/sites/ck-d/keys'],
    ] as const) {
      const res = await client.get(path);
      expect(res.status, path).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect((await client.post(`${path}`, { role: 'public' })).status).toBe(403);
    }
    const owner = await signIn('test-admin-token');
    const ownerPage = await owner.get('/console/sites/ck-d/keys?lang=en');
    expect(ownerPage.status).toBe(200);
    expect(await ownerPage.text()).toContain('Create a key');
    const demo = await owner.get('/console/sites/demo/keys?lang=en');
    expect(demo.status).toBe(200);
    expect(await demo.text()).toContain('demo site');
    expect((await owner.get('/console/sites/no-such-site/keys')).status).toBe(404);
  });
});
