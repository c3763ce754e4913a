import type { LinkDefinition, Target } from '../../../schema/routing.js';

/**
 * Warn this long before a pre-generated link expires (WeChat caps URL Links and encrypted schemes at
 * 30 days, Douyin's Link V2 at 180 days).
 */
export const EXPIRY_WARNING_MS = 7 * 86_400_000;

/**
 * Pre-generated WeChat URL Links and encrypted schemes expire, and `/r/` falls back to the plain URL
 * Scheme; an expired Douyin Link leaves the relay page or `fallbackUrl`. Lists each one that has
 * expired or expires within EXPIRY_WARNING_MS, by path.
 */
export function expiryWarnings(link: LinkDefinition, now = Date.now()): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const check = (at: string | undefined, path: string, what: string, instead = 'the plain URL Scheme') => {
    if (!at) return;
    const t = Date.parse(at);
    if (t <= now) out.push({ path, message: `${what} expired at ${at}; visitors get ${instead} until it is renewed` });
    else if (t - now < EXPIRY_WARNING_MS)
      out.push({ path, message: `${what} expires at ${at} (in ${Math.ceil((t - now) / 86_400_000)} d)` });
  };
  const visit = (t: Target, path: string) => {
    if (t.kind === 'douyin-miniprogram' && t.urlLink)
      check(t.urlLinkExpiresAt, `${path}.urlLinkExpiresAt`, 'Douyin Link', t.fallbackUrl ? 'the H5 fallback' : 'the relay page');
    if (t.kind !== 'wechat-miniprogram') return;
    if (t.urlLink) check(t.urlLinkExpiresAt, `${path}.urlLinkExpiresAt`, 'URL Link');
    if (t.encryptedScheme) check(t.encryptedSchemeExpiresAt, `${path}.encryptedSchemeExpiresAt`, 'encrypted scheme');
  };
  const action = (a: LinkDefinition['default'], path: string) => {
    if (a.type === 'target') visit(a.target, `${path}.target`);
    else a.variants.forEach((v, i) => visit(v.target, `${path}.variants.${i}.target`));
  };
  link.rules.forEach((r, i) => action(r.action, `rules.${i}.action`));
  action(link.default, 'default');
  return out;
}
