// IIFE for `<script src="https://…/sdk/edgepick.js" data-site="demo">`: one shared client as
// `window.edgepick`, and the `<edgepick-recs>` element.
//   data-site      site id (required)
//   data-endpoint  API origin (default: this script's own origin)
//   data-key       the site's public key (ep_pub_…), needed by sites created through the admin API
//   data-locale    zh-CN | en for the widgets (default: <html lang>, then the browser's language)
//   data-consent   granted | pending | denied (default: granted, or denied under Global Privacy Control)
import { type Consent, createClient } from './core.js';
import { isHTTPError, isNetworkError, isTimeoutError, isValidationError } from './errors.js';
import { defineElements } from './widgets/element.js';
import { mountRecommendations, type WidgetOptions } from './widgets/mount.js';
import type { Locale } from './widgets/texts.js';

const script = document.currentScript as HTMLScriptElement | null;
const data = script?.dataset ?? {};
const locale = data.locale as Locale | undefined;
const client = createClient({
  site: data.site ?? '',
  endpoint: data.endpoint ?? (script?.src ? new URL(script.src, location.href).origin : ''),
  key: data.key,
  consent: data.consent as Consent | undefined,
  shareSlug: data.shareSlug,
  // A visit from a shared link: the sharer's visitor id rides along on this visit's events.
  ref: new URLSearchParams(location.search).get('ref') ?? undefined,
});
const api = {
  client,
  createClient,
  mountRecommendations: (el: HTMLElement, o: Omit<WidgetOptions, 'client'> = {}) => mountRecommendations(el, { client, locale, ...o }),
  isHTTPError,
  isNetworkError,
  isTimeoutError,
  isValidationError,
};
(window as unknown as { edgepick: typeof api }).edgepick = api;
defineElements(client, { locale });
