import type { Child } from 'hono/jsx';
import { SITE_ID_PATTERN } from '../../../../schema/ids.js';
import { type ConsoleContext, nav } from '../context.js';
import { dictionary, type Lang, t } from '../i18n.js';
import { Layout } from '../layout.js';

/** Small pieces shared by the keys and models pages: the site of a request, times, notices, two-step confirmations. */

const tr = dictionary({
  utc: ['UTC', 'UTC'],
  never: ['—', '—'],
});

/** The `:site` of a page request when it is a well-formed site id, else undefined (the page answers 404). */
export function siteOf(c: ConsoleContext): string | undefined {
  const site = c.req.param('site') ?? '';
  return SITE_ID_PATTERN.test(site) ? site : undefined;
}

/** Site ids served as the local demo (wrangler var DEMO_SITE, comma-separated): no D1 row, no keys. */
export function demoSites(env: { DEMO_SITE?: string }): string[] {
  return (env.DEMO_SITE ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => SITE_ID_PATTERN.test(s));
}

/** A form field's value as trimmed text ('' when absent or a file). */
export function field(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === 'string' ? v.trim() : '';
}

/** An ISO time as `2026-04-01 09:30 UTC` in a `<time>` (the same text in both languages; UTC so no one guesses the zone). */
export function When(props: { iso?: string; lang: Lang }) {
  if (!props.iso) return <span>{tr(props.lang, 'never')}</span>;
  const ok = !Number.isNaN(Date.parse(props.iso));
  const text = ok ? `${new Date(props.iso).toISOString().slice(0, 16).replace('T', ' ')} ${tr(props.lang, 'utc')}` : props.iso;
  return <time datetime={ok ? props.iso : undefined}>{text}</time>;
}

/** A notice above the page's content; `error` ones are announced (role=alert). */
export function Notice(props: { kind?: 'ok' | 'error'; children?: Child }) {
  return props.kind === 'error' ? (
    <div class="notice error" role="alert">
      {props.children}
    </div>
  ) : (
    <div class="notice" role="status">
      {props.children}
    </div>
  );
}

/**
 * Whether a POST carries the second step of a confirmation (`confirm=yes`): sent by the confirmation
 * page, or by console.js once a `data-confirm` dialog is accepted. A plain first POST gets the page.
 */
export const confirmed = (form: Record<string, unknown>) => form.confirm === 'yes';

/**
 * The server-side confirmation step (for browsers without script): what will happen, a button that
 * posts `confirm=yes` to the same action, and a way back that changes nothing.
 */
export function ConfirmPage(props: {
  c: ConsoleContext;
  site: string;
  title: string;
  action: string;
  button: string;
  cancel: string;
  children?: Child;
}) {
  const { c, site } = props;
  const lang = c.get('lang');
  return (
    <Layout {...nav(c, site)} title={props.title}>
      <div class="card narrow">
        {props.children}
        <form method="post" action={props.action}>
          <input type="hidden" name="_csrf" value={c.get('session')!.csrf} />
          <input type="hidden" name="confirm" value="yes" />
          <div class="actions">
            <button type="submit" class="danger">
              {props.button}
            </button>
            <a class="button secondary" href={props.cancel}>
              {t(lang, 'cancel')}
            </a>
          </div>
        </form>
      </div>
    </Layout>
  );
}
