/** The console's two languages: Simplified Chinese (default) and English. */
export type Lang = 'zh-CN' | 'en';
export const LANGS: Lang[] = ['zh-CN', 'en'];
export const LANG_COOKIE = 'ep_lang';

/** Every console string as [zh-CN, en]; `{name}` placeholders are filled by `t`. */
const STRINGS = {
  appName: ['edgepick 控制台', 'edgepick console'],
  signIn: ['登录', 'Sign in'],
  signOut: ['退出登录', 'Sign out'],
  signInHelp: [
    '粘贴站点的营销或开发密钥（或所有者令牌）。密钥只用于换取会话，不会保存在浏览器中。',
    "Paste a site's marketer or developer key (or the owner token). It is exchanged for a session and never stored in the browser.",
  ],
  token: ['密钥', 'Key'],
  badToken: ['密钥无效或已吊销。', 'Unknown or revoked key.'],
  publicKeyRefused: ['公开密钥不能登录控制台，请使用营销或开发密钥。', 'A public key cannot sign in; use a marketer or developer key.'],
  csrfFailed: ['请求已过期或来源不明，请刷新页面后重试。', 'The form expired or came from elsewhere; reload the page and try again.'],
  language: ['语言', 'Language'],
  sites: ['站点', 'Sites'],
  site: ['站点', 'Site'],
  links: ['推广链接', 'Links'],
  keys: ['密钥', 'Keys'],
  models: ['模型', 'Models'],
  recommendations: ['推荐效果', 'Recommendations'],
  referrals: ['分享效果', 'Referrals'],
  placements: ['推荐位规则', 'Placements'],
  forbiddenTitle: ['无权访问', 'Not allowed'],
  forbiddenBody: ['你的角色（{role}）不能打开此页面。', 'Your role ({role}) cannot open this page.'],
  notFoundTitle: ['未找到', 'Not found'],
  signedInAs: ['当前身份：{who}', 'Signed in as {who}'],
  roleAdmin: ['所有者', 'owner'],
  roleDeveloper: ['开发者', 'developer'],
  roleMarketer: ['营销', 'marketer'],
  chooseSite: ['选择站点', 'Choose a site'],
  noSites: ['还没有站点。用所有者令牌通过 API 创建站点。', 'No sites yet. Create one with the owner token through the API.'],
  skipToContent: ['跳到正文', 'Skip to content'],
  back: ['返回', 'Back'],
  save: ['保存', 'Save'],
  cancel: ['取消', 'Cancel'],
  confirm: ['确认', 'Confirm'],
  error: ['出错了', 'Something went wrong'],
} as const satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof STRINGS;

/** A console string in `lang`, with `{name}` placeholders filled from `params`. */
export function t(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  const s = STRINGS[key][lang === 'en' ? 1 : 0];
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Adds strings for a page; returns a translator bound to them (pages keep their own dictionaries). */
export function dictionary<K extends string>(entries: Record<K, readonly [string, string]>) {
  return (lang: Lang, key: K, params: Record<string, string | number> = {}): string =>
    entries[key][lang === 'en' ? 1 : 0].replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** The language of a request: `?lang=` first, then the cookie, then zh-CN. */
export function pickLang(query: string | undefined, cookie: string | undefined): Lang {
  if (query === 'en' || query === 'zh-CN') return query;
  return cookie === 'en' ? 'en' : 'zh-CN';
}
