import { html } from 'hono/html';
import { qrSvg } from '../lib/qr.js';

/**
 * Routing pages (relay, in-app hint, QR, bot preview, not found): static HTML, every value escaped by
 * hono's `html` helper; the only scripts are served files (/r/_/open-tag.js, /r/_/copy.js), never inline.
 * Chinese first, English second.
 */
const layout = (title: string, body: ReturnType<typeof html>, head: ReturnType<typeof html> = html``) => html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>${head}
<style>body{font-family:system-ui,-apple-system,"PingFang SC",sans-serif;max-width:480px;margin:12vh auto;padding:0 20px;text-align:center;color:#222}
a.btn{display:inline-block;margin:16px 0;padding:12px 28px;border-radius:999px;background:#07c160;color:#fff;text-decoration:none;font-weight:600}
.short input{width:100%;box-sizing:border-box;padding:10px;font-size:15px;border:1px solid #ccc;border-radius:8px;user-select:all;-webkit-user-select:all}
button.btn{margin:12px 0;padding:10px 24px;border:0;border-radius:999px;background:#07c160;color:#fff;font-size:15px;font-weight:600}
.baidu a.btn{background:#2932e1}.alipay a.btn{background:#1677ff}.douyin a.btn{background:#161823}.muted{color:#777;font-size:.9em}code{word-break:break-all}</style></head>
<body>${body}</body></html>`;

export function wechatRelayPage(scheme: string) {
  return layout(
    '打开微信小程序 · Open in WeChat',
    html`<h1>打开微信小程序</h1><p>Open this in the WeChat mini-program</p><a class="btn" href="${scheme}">打开 · Open</a><p class="muted">没有反应？请确认已安装微信。Nothing happens? Make sure WeChat is installed.</p>`,
  );
}

/**
 * Inside WeChat without a URL Link or the open tag: ask for the browser. With a Short Link (`#小程序://…`), offer it
 * to copy into a chat, where tapping it opens the mini-program: a selectable field, and a copy button that
 * /r/_/copy.js reveals (hidden without script).
 */
export function wechatInAppPage(scheme: string, shortLink?: string) {
  return layout(
    '在微信中打开 · Open in WeChat',
    html`<h1>请点击右上角 ··· 选择“在浏览器打开”</h1><p>Tap ··· (top right) and choose “Open in browser”, then open the mini-program.</p><a class="btn" href="${scheme}">打开小程序 · Open</a>${
      shortLink
        ? html`<div class="short"><p>或复制下面的小程序链接，发到任一微信聊天中，点击即可打开。<br>Or copy this mini-program link, send it in any WeChat chat and tap it.</p>
<input id="ep-short" type="text" readonly value="${shortLink}" aria-label="小程序链接 · Mini-program link"><button type="button" class="btn" id="ep-copy" data-copied="已复制 · Copied" hidden>复制 · Copy</button></div><script src="/r/_/copy.js"></script>`
        : ''
    }`,
  );
}

/** Inside WeChat: the open tag, enabled by a JS-SDK config signed for this page (see wechat-jssdk.ts). */
export function openTagPage(
  cfg: { appId: string; timestamp: number; nonceStr: string; signature: string },
  username: string,
  path: string,
  scheme: string,
) {
  return layout(
    '打开小程序 · Open the mini-program',
    html`<h1>打开小程序</h1><p>Open the mini-program</p>
<div id="ep-wx" data-app-id="${cfg.appId}" data-timestamp="${String(cfg.timestamp)}" data-nonce-str="${cfg.nonceStr}" data-signature="${cfg.signature}">
<wx-open-launch-weapp username="${username}" path="${path}"><script type="text/wxtag-template"><button style="padding:12px 28px;border:0;border-radius:999px;background:#07c160;color:#fff;font-size:16px">打开小程序 · Open</button></script></wx-open-launch-weapp></div>
<p id="ep-hint" class="muted" hidden>无法打开？请点击右上角 ··· 在浏览器打开 · Can't open? Tap ··· and open in the browser. <a href="${scheme}">weixin://</a></p>
<script src="https://res.wx.qq.com/open/js/jweixin-1.6.0.js"></script><script src="/r/_/open-tag.js"></script>`,
  );
}

export function baiduRelayPage(scheme: string, fallbackUrl?: string) {
  return layout(
    '打开百度智能小程序 · Open in Baidu',
    html`<div class="baidu"><h1>打开百度智能小程序</h1><p>Open this in the Baidu smart mini-program</p><a class="btn" href="${scheme}">打开 · Open</a>${
      fallbackUrl ? html`<p><a href="${fallbackUrl}">没有百度 App？继续访问网页 · No Baidu app? Continue on the web</a></p>` : ''
    }</div>`,
  );
}

/** Inside WeChat, which does not open Alipay pages: open the link in the browser, or tap through to Alipay's own page. */
export function alipayRelayPage(dsUrl: string) {
  return layout(
    '打开支付宝小程序 · Open in Alipay',
    html`<div class="alipay"><h1>请点击右上角 ··· 选择“在浏览器打开”</h1><p>Tap ··· (top right) and choose “Open in browser” to open the Alipay mini-program.</p><a class="btn" href="${dsUrl}">打开支付宝 · Open Alipay</a></div>`,
  );
}

/** No live Douyin Link: the mini-program opens only inside Douyin, so ask for that (and offer the H5 page when there is one). */
export function douyinRelayPage(selfUrl: string, fallbackUrl?: string) {
  return layout(
    '在抖音中打开 · Open in Douyin',
    html`<div class="douyin"><h1>请在抖音 App 中打开</h1><p>复制下面的链接，在抖音中打开。<br>Copy this link and open it in the Douyin app.</p><p><code>${selfUrl}</code></p>${
      fallbackUrl ? html`<a class="btn" href="${fallbackUrl}">继续访问网页 · Continue on the web</a>` : ''
    }</div>`,
  );
}

// Drawing a code tries 8 masks (a few ms); desktop visitors of one campaign share a URL, so keep the last few.
const qrCache = new Map<string, string>();
function qrDataUri(url: string): string {
  let uri = qrCache.get(url);
  if (!uri) {
    uri = `data:image/svg+xml;base64,${btoa(qrSvg(url))}`;
    if (qrCache.size >= 64) qrCache.delete(qrCache.keys().next().value!);
    qrCache.set(url, uri);
  }
  return uri;
}

/** Desktop: a QR code drawn by the worker (no external service) and the link to copy. */
export function qrPage(url: string) {
  let img = html``;
  try {
    img = html`<p><img alt="QR" width="222" height="222" src="${qrDataUri(url)}"></p>`;
  } catch {
    // Longer than a version-10 code holds: the link text below still works.
  }
  return layout(
    '用手机打开 · Open on your phone',
    html`<h1>请用手机扫码打开</h1>${img}<p>用手机扫码（微信、百度、支付宝或抖音），或在手机上打开此链接：<br>Scan with your phone (WeChat, Baidu, Alipay or Douyin), or open this link on your phone:</p><p><code>${url}</code></p>`,
  );
}

export function previewPage(opts: { title: string; description?: string; url: string; image?: string }) {
  return layout(
    opts.title,
    html`<h1>${opts.title}</h1>${opts.description ? html`<p>${opts.description}</p>` : ''}`,
    html`<meta property="og:type" content="website"><meta property="og:title" content="${opts.title}"><meta property="og:url" content="${opts.url}">${
      opts.description
        ? html`<meta property="og:description" content="${opts.description}"><meta name="description" content="${opts.description}">`
        : ''
    }${opts.image ? html`<meta property="og:image" content="${opts.image}">` : ''}`,
  );
}

export function notFoundPage(slug: string) {
  return layout(
    '链接不存在 · Link not found',
    html`<h1>链接不存在或已失效</h1><p>This link does not exist or has expired.</p><p class="muted"><code>/r/${slug}</code></p>`,
  );
}
