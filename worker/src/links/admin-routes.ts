import { type Context, Hono } from 'hono';
import { LinkDefinition } from '../../../schema/routing.js';
import { DiffQuery, RollbackRequest, SimulateRequest, StatsQuery } from '../../../schema/routing-admin.js';
import { ApiError, invalid, jsonBodyLimit, onError, readJson } from '../http/errors.js';
import { dayRange } from '../lib/days.js';
import { type AdminEnv, adminAuth } from '../sites/auth.js';
import { type SiteEnv, siteMiddleware } from '../sites/middleware.js';
import { auditLog, currentLink, deleteLink, getVersion, jsonDiff, listLinks, listVersions, saveVersion } from './admin-store.js';
import { checkLinkHosts, linkStatsSummary, simulateLink, withWarnings } from './service.js';

type LinksAdminEnv = AdminEnv & SiteEnv;

/** Largest admin request body (a link definition, simulate or rollback request), in bytes. */
export const ADMIN_BODY_LIMIT = 256 * 1024;

const parseLink = (body: unknown) => {
  const parsed = LinkDefinition.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error, 'link');
  return parsed.data;
};

/** Every absolute target URL must be on the site's `linkHosts`: `/r/` is never an open redirect. */
const checkLink = (c: Context<LinksAdminEnv>, link: LinkDefinition) => checkLinkHosts(link, c.get('config'));

/** `/v1/admin/sites/:site/links…` — create, change, version, roll back, simulate, audit, stats. */
export const adminLinksRoutes = new Hono<LinksAdminEnv>();
// Renders ApiError/zod errors itself, so the group works wherever it is mounted.
adminLinksRoutes.onError(onError);
// Token first (401/403 before anything about the site leaks), then the site must exist (404), and
// no body over ADMIN_BODY_LIMIT is read.
adminLinksRoutes.use(
  '*',
  adminAuth({ roles: ['marketer'] }),
  siteMiddleware(),
  jsonBodyLimit(ADMIN_BODY_LIMIT, 'a link definition is far smaller'),
);

const site = (c: { req: { param(n: string): string | undefined } }) => c.req.param('site')!;

adminLinksRoutes.get('/', async (c) => c.json({ links: await listLinks(c.env.DB, site(c)) }));

adminLinksRoutes.post('/', async (c) => {
  const link = parseLink(await readJson(c));
  checkLink(c, link);
  const res = await saveVersion(c.env.DB, c.env.PACKS, site(c), link, c.get('principal'), 'create');
  return c.json({ slug: link.slug, ...res, ...withWarnings(link) }, 201);
});

adminLinksRoutes.get('/:slug', async (c) => c.json(await currentLink(c.env.DB, site(c), c.req.param('slug'))));

adminLinksRoutes.put('/:slug', async (c) => {
  const link = parseLink(await readJson(c));
  if (link.slug !== c.req.param('slug')) throw new ApiError('invalid_request', `body slug ${link.slug} ≠ path slug ${c.req.param('slug')}`);
  checkLink(c, link);
  return c.json({
    slug: link.slug,
    ...(await saveVersion(c.env.DB, c.env.PACKS, site(c), link, c.get('principal'), 'update')),
    ...withWarnings(link),
  });
});

adminLinksRoutes.delete('/:slug', async (c) => {
  await deleteLink(c.env.DB, c.env.PACKS, site(c), c.req.param('slug'), c.get('principal'));
  return c.body(null, 204);
});

adminLinksRoutes.get('/:slug/versions', async (c) => c.json({ versions: await listVersions(c.env.DB, site(c), c.req.param('slug')) }));

adminLinksRoutes.get('/:slug/diff', async (c) => {
  const q = DiffQuery.safeParse(c.req.query());
  if (!q.success) throw invalid(q.error, 'query');
  const from = Number(q.data.from);
  const to = Number(q.data.to);
  const slug = c.req.param('slug');
  const [a, b] = await Promise.all([getVersion(c.env.DB, site(c), slug, from), getVersion(c.env.DB, site(c), slug, to)]);
  return c.json({ slug, from, to, changes: jsonDiff(a, b) });
});

adminLinksRoutes.post('/:slug/rollback', async (c) => {
  const body = RollbackRequest.safeParse(await readJson(c));
  if (!body.success) throw invalid(body.error, 'body');
  const slug = c.req.param('slug');
  const old = await getVersion(c.env.DB, site(c), slug, body.data.version);
  checkLink(c, old);
  const res = await saveVersion(c.env.DB, c.env.PACKS, site(c), old, c.get('principal'), 'rollback', `rollback to v${body.data.version}`);
  return c.json({ slug, ...res, restored: body.data.version, ...withWarnings(old) });
});

adminLinksRoutes.post('/:slug/simulate', async (c) => {
  const parsed = SimulateRequest.safeParse(await readJson(c));
  if (!parsed.success) throw invalid(parsed.error, 'body');
  const { link, version } = await currentLink(c.env.DB, site(c), c.req.param('slug'));
  const { url: _url, ...result } = await simulateLink(link, parsed.data, c.req.url, c.get('config'), c.env);
  return c.json({ version, ...result });
});

adminLinksRoutes.get('/:slug/audit', async (c) => c.json({ audit: await auditLog(c.env.DB, site(c), c.req.param('slug')) }));

/** Decisions per UTC day, rule and target (`kind`, or `kind:vN` for split variant N), with totals. @default the last 30 days */
adminLinksRoutes.get('/:slug/stats', async (c) => {
  const slug = c.req.param('slug');
  const q = StatsQuery.safeParse(c.req.query());
  if (!q.success) throw invalid(q.error, 'query');
  await currentLink(c.env.DB, site(c), slug);
  const to = q.data.to ?? new Date().toISOString().slice(0, 10);
  const from = q.data.from ?? dayRange({ to }, 30).from;
  return c.json({ slug, ...(await linkStatsSummary(c.env.DB, slug, from, to)) });
});
