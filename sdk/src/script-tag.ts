// IIFE for `<script src="https://…/sdk/edgepick.js" data-site="demo">`: one shared client as
// `window.edgepick`, and the `<edgepick-recs>` element.
import { type Consent, createClient } from './core.js';
import { defineElements } from './widgets/element.js';
import { mountRecommendations } from './widgets/mount.js';

const script = document.currentScript as HTMLScriptElement | null;
const data = script?.dataset ?? {};
const endpoint = data.endpoint ?? (script?.src ? new URL(script.src, location.href).origin : '');
const client = createClient({ site: data.site ?? '', endpoint, consent: data.consent as Consent | undefined });
const api = { client, mountRecommendations: (el: HTMLElement, o: Parameters<typeof mountRecommendations>[1]) => mountRecommendations(el, { client, ...o }) };
(window as unknown as { edgepick: typeof api }).edgepick = api;
defineElements(client);
