import demoLink from '../../../examples/demo-link.json';
import { LinkDefinition } from '../../../schema/routing.js';

/**
 * The demo campaign link `/r/demo` (examples/demo-link.json, which `npm start` posts to the admin
 * API): Baidu app and swan web-view → Baidu smart mini-program, WeChat, its web-view and WeCom →
 * WeChat mini-program, desktop → QR page, crawlers → preview page, everyone else → H5.
 *
 * @example await fetch(`${base}/v1/admin/sites/demo/links`, { method: 'POST', headers, body: JSON.stringify(demoLinkDefinition()) })
 */
export function demoLinkDefinition(): LinkDefinition {
  return LinkDefinition.parse(structuredClone(demoLink));
}
