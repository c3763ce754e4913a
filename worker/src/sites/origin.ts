import type { SiteConfig } from '../../../schema/catalog.js';

/**
 * The request URL as the site's public origin prints it: `config.publicOrigin` replaces the
 * request's scheme, host and port when the site pins one (a spoofed `Host` header then changes
 * nothing a visitor sees); otherwise the request's own URL.
 *
 * @example publicUrl('https://evil.example/r/spring?x=1', { publicOrigin: 'https://go.shop.example' }).href
 * // 'https://go.shop.example/r/spring?x=1'
 */
export function publicUrl(requestUrl: string, config: Pick<SiteConfig, 'publicOrigin'> | undefined): URL {
  const u = new URL(requestUrl);
  if (!config?.publicOrigin) return u;
  const pinned = new URL(config.publicOrigin);
  u.protocol = pinned.protocol;
  u.host = pinned.host;
  return u;
}

/** The origin absolute item and link URLs are built on. */
export const publicOrigin = (requestUrl: string, config: Pick<SiteConfig, 'publicOrigin'> | undefined) =>
  publicUrl(requestUrl, config).origin;
