// The link rule editor and simulate panel (console link page). The server renders the link as a
// JSON data block and a no-script JSON form; this replaces the form with an editor that builds the
// same LinkDefinition, validated by the server with the API's own schema (errors shown by field).
import type { Action, Condition, LinkDefinition, Rule, Target } from '../../schema/routing.js';

type Lang = 'zh-CN' | 'en';
interface PageData {
  link: LinkDefinition;
  site: string;
  version: number;
  lang: Lang;
  presets: [string, string, string][];
  publishUrl: string;
  simulateUrl: string;
}
interface Issue {
  path: (string | number)[];
  message: string;
}

const S = {
  rule: ['规则', 'Rule'],
  ruleName: ['规则名称', 'Rule name'],
  enabled: ['启用', 'Enabled'],
  match: ['条件关系', 'Match'],
  matchAll: ['满足全部条件', 'all conditions'],
  matchAny: ['满足任一条件', 'any condition'],
  up: ['上移', 'Move up'],
  down: ['下移', 'Move down'],
  drag: ['拖动排序', 'Drag to reorder'],
  remove: ['删除', 'Delete'],
  addRule: ['添加规则', 'Add a rule'],
  addCondition: ['添加条件', 'Add a condition'],
  condition: ['条件', 'Condition'],
  field: ['条件项', 'Field'],
  op: ['比较', 'Operator'],
  value: ['值', 'Value'],
  valuesHelp: ['多个值用逗号分隔', 'Separate several values with commas'],
  key: ['参数名', 'Parameter'],
  from: ['开始', 'From'],
  to: ['结束', 'To'],
  timeZone: ['时区', 'Time zone'],
  thenDo: ['则', 'Then'],
  otherwise: ['其他访客（默认）', 'Everyone else (default)'],
  single: ['一个目标', 'One target'],
  split: ['按比例分流', 'Weighted split'],
  weight: ['比例 %', 'Share %'],
  addVariant: ['添加分流目标', 'Add a split target'],
  sum: ['合计 {n}%（必须为 100%）', 'Total {n}% (must be 100%)'],
  kind: ['目标类型', 'Target type'],
  publish: ['发布新版本', 'Publish a new version'],
  publishing: ['发布中…', 'Publishing…'],
  fixErrors: ['请先修正标出的错误。', 'Fix the marked errors first.'],
  passThrough: ['透传参数', 'Pass-through parameters'],
  passThroughHelp: [
    '除 utm_*、ref、ch 外，还要带到目标的查询参数，逗号分隔',
    'Query keys forwarded to targets besides utm_*, ref and ch; comma-separated',
  ],
  preset: ['访客环境', 'Visitor'],
  country: ['国家/地区代码', 'Country code'],
  time: ['访问时间（北京时间）', 'Time (Beijing)'],
  query: ['链接参数', 'Link query'],
  queryHelp: ['例如 utm_source=baidu&id=42', 'e.g. utm_source=baidu&id=42'],
  run: ['模拟', 'Simulate'],
  decision: ['结果', 'Decision'],
  matched: ['命中规则：{r}', 'Matched rule: {r}'],
  matchedDefault: ['没有规则命中，使用默认目标', 'No rule matched: the default target'],
  target: ['目标：{k}', 'Target: {k}'],
  finalUrl: ['最终地址', 'Final URL'],
  preview: ['（爬虫看到的是链接预览页）', '(crawlers get the link preview page)'],
  skipped: ['之前的规则为何未命中', 'Why earlier rules did not match'],
  dropped: ['未透传的参数：{p}', 'Parameters not passed through: {p}'],
  warnings: ['提醒', 'Heads-up'],
  env: ['识别为：{h} · {o}{b}', 'Detected: {h} · {o}{b}'],
  hostWechat: ['微信', 'WeChat'],
  hostWecom: ['企业微信', 'WeCom'],
  hostWechatMp: ['微信小程序 web-view', 'WeChat mini-program web-view'],
  hostBaidu: ['百度 App', 'Baidu app'],
  hostBaiduSwan: ['百度智能小程序', 'Baidu smart mini-program'],
  hostAlipay: ['支付宝', 'Alipay'],
  hostDouyin: ['抖音', 'Douyin'],
  hostQq: ['QQ', 'QQ'],
  hostOther: ['其他浏览器', 'Other browsers'],
  fHost: ['宿主应用', 'Host app'],
  fOs: ['操作系统', 'Operating system'],
  fCountry: ['国家/地区', 'Country'],
  fRegion: ['省份/地区', 'Region'],
  fCity: ['城市', 'City'],
  fLanguage: ['浏览器语言', 'Browser language'],
  fReferrer: ['来源网站', 'Referring site'],
  fUtm: ['UTM 来源', 'UTM source'],
  fQuery: ['查询参数', 'Query parameter'],
  fTime: ['时间段', 'Time of day'],
  fWeekday: ['星期', 'Weekday'],
  fSchedule: ['活动期间', 'Schedule'],
  fBot: ['爬虫', 'Crawler'],
  fHarmony: ['鸿蒙设备（任何版本）', 'HarmonyOS device (any version)'],
  opIn: ['是其中之一', 'is one of'],
  opNotIn: ['不是其中任何一个', 'is none of'],
  opEquals: ['等于', 'equals'],
  opNotEquals: ['不等于', 'does not equal'],
  opPrefix: ['开头是', 'starts with'],
  opContains: ['包含', 'contains'],
  opExists: ['存在', 'is present'],
  opMissing: ['不存在', 'is absent'],
  yes: ['是', 'yes'],
  no: ['否', 'no'],
  days: ['一,二,三,四,五,六,日', 'Mon,Tue,Wed,Thu,Fri,Sat,Sun'],
  startHelp: [
    'ISO 时间，带时区，例如 2026-12-12T00:00:00+08:00；留空表示不限',
    'ISO time with offset, e.g. 2026-12-12T00:00:00+08:00; empty = open',
  ],
  kWechat: ['微信小程序', 'WeChat mini-program'],
  kBaidu: ['百度智能小程序', 'Baidu smart mini-program'],
  kH5: ['H5 网页', 'H5 page'],
  kQr: ['二维码页', 'QR page'],
  kDouyin: ['抖音小程序', 'Douyin mini-program'],
  kAlipay: ['支付宝小程序', 'Alipay mini-program'],
  hDouyin: [
    '配置了该小程序的密钥（DOUYIN_APP_SECRETS）时，每位访客自动生成 Link（带上 utm/ref）。否则需在抖音开放平台「生成 Link」并粘贴（https://z.douyin.com/…，最长 180 天，链接自带参数，utm/ref 不会带入）。没有有效 Link 时：显示“请在抖音中打开”页，或跳到 H5 备用页。电脑上显示二维码。',
    'With the app’s secret configured (DOUYIN_APP_SECRETS) a Link is generated per visitor, carrying utm/ref. Otherwise paste a Link generated on the Douyin open platform (https://z.douyin.com/…, valid up to 180 days; it carries its own query, so utm/ref are not passed on). Without a live Link: an “open in Douyin” page, or the H5 fallback. Desktop gets a QR page.',
  ],
  hAlipay: [
    '支付宝内直接打开小程序；其他浏览器和 App 经 ds.alipay.com 唤起支付宝；微信内提示在浏览器打开；电脑上显示二维码。AppID 为 16 位数字。',
    'Inside Alipay it opens the mini-program; other browsers and apps go through ds.alipay.com to open Alipay; inside WeChat a hint to open in the browser; desktop gets a QR page. The AppID has 16 digits.',
  ],
  douyinLink: ['Link（https://z.douyin.com/…）', 'Link (https://z.douyin.com/…)'],
  douyinLinkExpiresAt: ['Link 过期时间', 'Link expiry'],
  hWechat: [
    '有 URL Link 时直接跳转（微信内外都可）。微信内否则用开放标签（需原始 ID gh_… 和服务号密钥），都没有时只显示“请在浏览器打开”页（填了 Short Link 会提供复制）。微信外否则用明文 URL Scheme，这要求该页面已在小程序后台「URL Scheme」里声明。',
    'A URL Link, when set, opens it inside and outside WeChat. Otherwise inside WeChat: the open tag (needs the original id gh_… and the service-account secrets), else only the “open in your browser” page (offering the Short Link to copy, if set). Outside WeChat: the plain URL Scheme, which only works for pages declared in the mini-program admin (URL Scheme settings).',
  ],
  hBaidu: [
    '百度 App 内直接打开智能小程序；在其他 App 和浏览器中打开 H5 备用页（未填时显示二维码页）。',
    'Inside the Baidu app it opens the smart mini-program; elsewhere the H5 fallback (a QR page when none is set).',
  ],
  hH5: [
    'https 网址（域名须在站点的链接域名中）或本站路径（以 / 开头）。',
    'An https URL (on the site’s link hosts) or a path on this worker (starting with /).',
  ],
  hQr: ['显示二维码供手机扫描；不填网址时二维码指向本链接。', 'Shows a QR code to scan with a phone; without a URL it encodes this link.'],
  appId: ['AppID', 'AppID'],
  username: ['原始 ID（gh_…）', 'Original id (gh_…)'],
  path: ['页面路径', 'Page path'],
  mpQuery: ['页面参数', 'Page query'],
  envVersion: ['版本', 'Version'],
  urlLink: ['URL Link（https://wxaurl.cn/…）', 'URL Link (https://wxaurl.cn/…)'],
  urlLinkExpiresAt: ['URL Link 过期时间', 'URL Link expiry'],
  shortLink: ['Short Link（#小程序://…）', 'Short Link (#小程序://…)'],
  wHintOnly: [
    '微信内只会看到“请在浏览器打开”提示页：没有有效的 URL Link，也没有可用的开放标签（需原始 ID gh_… 和服务号密钥）。可填 URL Link，或填 Short Link 供访客复制到聊天中打开。',
    'Inside WeChat visitors only get the “open in your browser” page: no live URL Link and no working open tag (needs the original id gh_… and the service-account secrets). Add a URL Link, or a Short Link for visitors to copy into a chat.',
  ],
  appKey: ['AppKey', 'AppKey'],
  fallbackUrl: ['H5 备用页', 'H5 fallback'],
  url: ['网址', 'URL'],
} as const;

let lang: Lang = 'zh-CN';
const tx = (k: keyof typeof S, params: Record<string, string | number> = {}) =>
  S[k][lang === 'en' ? 1 : 0].replace(/\{(\w+)\}/g, (m, n) => (n in params ? String(params[n]) : m));

const HOSTS: [string, keyof typeof S][] = [
  ['wechat', 'hostWechat'],
  ['wecom', 'hostWecom'],
  ['wechat-miniprogram', 'hostWechatMp'],
  ['baidu', 'hostBaidu'],
  ['baidu-swan', 'hostBaiduSwan'],
  ['alipay', 'hostAlipay'],
  ['douyin', 'hostDouyin'],
  ['qq', 'hostQq'],
  ['other', 'hostOther'],
];
const OSES = ['ios', 'android', 'harmonyos', 'desktop', 'other'];
const STRING_FIELDS = ['country', 'region', 'city', 'language', 'referrerHost'] as const;
/** Condition kinds as the marketer picks them (UTM source is a query condition on `utm_source`). */
const FIELDS: [string, keyof typeof S][] = [
  ['host', 'fHost'],
  ['os', 'fOs'],
  ['country', 'fCountry'],
  ['region', 'fRegion'],
  ['city', 'fCity'],
  ['language', 'fLanguage'],
  ['referrerHost', 'fReferrer'],
  ['utm_source', 'fUtm'],
  ['query', 'fQuery'],
  ['timeOfDay', 'fTime'],
  ['weekday', 'fWeekday'],
  ['schedule', 'fSchedule'],
  ['bot', 'fBot'],
  ['harmony', 'fHarmony'],
];
const OPS: Record<string, keyof typeof S> = {
  in: 'opIn',
  not_in: 'opNotIn',
  equals: 'opEquals',
  not_equals: 'opNotEquals',
  prefix: 'opPrefix',
  contains: 'opContains',
  exists: 'opExists',
  missing: 'opMissing',
};
const TZ = 'Asia/Shanghai';

type AnyCondition = Condition & Record<string, unknown>;
const uiField = (c: AnyCondition) => (c.field === 'query' && c.key === 'utm_source' ? 'utm_source' : (c.field as string));

function defaultCondition(field: string): AnyCondition {
  switch (field) {
    case 'host':
      return { field: 'host', op: 'in', values: ['wechat'] } as AnyCondition;
    case 'os':
      return { field: 'os', op: 'in', values: ['ios'] } as AnyCondition;
    case 'utm_source':
      return { field: 'query', key: 'utm_source', op: 'equals', value: '' } as AnyCondition;
    case 'query':
      return { field: 'query', key: '', op: 'equals', value: '' } as AnyCondition;
    case 'timeOfDay':
      return { field: 'timeOfDay', op: 'between', from: '09:00', to: '18:00', timeZone: TZ } as AnyCondition;
    case 'weekday':
      return { field: 'weekday', op: 'in', values: [6, 7], timeZone: TZ } as AnyCondition;
    case 'schedule':
      return { field: 'schedule', op: 'between', start: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } as AnyCondition;
    case 'bot':
    case 'harmony':
      return { field, op: 'equals', value: true } as AnyCondition;
    default:
      return { field, op: 'in', values: field === 'country' ? ['CN'] : [''] } as AnyCondition;
  }
}

function defaultTarget(kind: string): Target {
  switch (kind) {
    case 'wechat-miniprogram':
      return { kind, appId: '', path: 'pages/index/index', envVersion: 'release' } as Target;
    case 'baidu-swan':
      return { kind, appKey: '', path: 'pages/index/index' } as Target;
    case 'douyin-miniprogram':
    case 'alipay-miniprogram':
      return { kind, appId: '', path: 'pages/index/index' } as Target;
    case 'qr':
      return { kind: 'qr' };
    default:
      return { kind: 'h5', url: 'https://' };
  }
}

// ─── DOM helpers ────────────────────────────────────────────────────────────────────────────────

let uid = 0;
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: (Node | string | null)[]
) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'text') e.textContent = String(v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null) e.append(c);
  return e;
}

/** A labelled control: `<label for>` + the control (+ help). The control gets `data-path` for error mapping. */
function labelled(label: string, control: HTMLElement, path: string, help?: string) {
  const id = control.id || `ed-${++uid}`;
  control.id = id;
  control.dataset.path = path;
  const wrap = el('div', { class: 'ctl' }, el('label', { for: id, text: label }));
  if (help) {
    const h = el('p', { class: 'help', id: `${id}-help`, text: help });
    control.setAttribute('aria-describedby', h.id);
    wrap.append(h);
  }
  wrap.append(control);
  return wrap;
}

function select(options: [string, string][], value: string, onChange: (v: string) => void) {
  const s = el('select');
  for (const [v, label] of options) s.append(el('option', { value: v, selected: v === value, text: label }));
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

function input(value: string, onInput: (v: string) => void, type = 'text') {
  const i = el('input', { type, value });
  i.value = value;
  i.addEventListener('input', () => {
    onInput(i.value);
    // An edited field is no longer known to be wrong: drop its message until the next publish.
    if (i.getAttribute('aria-invalid') === 'true') {
      i.removeAttribute('aria-invalid');
      for (const id of (i.getAttribute('aria-describedby') ?? '').split(' '))
        if (id.startsWith('err-')) document.getElementById(id)?.remove();
    }
  });
  return i;
}

function checks(legend: string, options: [string, string][], selected: string[], path: string, onChange: (v: string[]) => void) {
  const fs = el('fieldset', { class: 'checks', 'data-path': path }, el('legend', { text: legend }));
  for (const [v, label] of options) {
    const id = `ed-${++uid}`;
    const box = el('input', { type: 'checkbox', id, value: v, checked: selected.includes(v) });
    box.addEventListener('change', () => onChange([...fs.querySelectorAll<HTMLInputElement>('input:checked')].map((b) => b.value)));
    fs.append(el('label', { for: id }, box, label));
  }
  return fs;
}

// ─── the editor ─────────────────────────────────────────────────────────────────────────────────

export function mountEditor() {
  const dataEl = document.getElementById('link-data');
  const root = document.getElementById('editor');
  const simRoot = document.getElementById('simulate');
  if (!dataEl || !root) return;
  const data = JSON.parse(dataEl.textContent ?? '{}') as PageData;
  lang = data.lang;
  const csrf = document.querySelector<HTMLInputElement>('#json-form input[name="_csrf"]')?.value ?? '';
  const state = structuredClone(data.link) as LinkDefinition & { rules: (Rule & { enabled?: boolean })[] };
  let issues: Issue[] = [];
  let matchedRule: number | null = null;
  const status = el('p', { role: 'status', 'aria-live': 'polite', class: 'status' });

  const rerender = () => {
    const focused = document.activeElement as HTMLElement | null;
    const focusPath = focused?.dataset.path;
    const focusTag = focused?.dataset.focus;
    render();
    const again =
      (focusPath ? root.querySelector<HTMLElement>(`[data-path="${CSS.escape(focusPath)}"]`) : null) ??
      (focusTag ? root.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focusTag)}"]`) : null);
    again?.focus();
  };

  function targetEditor(t: Target, path: string, set: (t: Target) => void) {
    const box = el('div', { class: 'target' });
    const kinds: [string, string][] = [
      ['wechat-miniprogram', tx('kWechat')],
      ['baidu-swan', tx('kBaidu')],
      ['douyin-miniprogram', tx('kDouyin')],
      ['alipay-miniprogram', tx('kAlipay')],
      ['h5', tx('kH5')],
      ['qr', tx('kQr')],
    ];
    const kindSel = select(kinds, t.kind, (k) => {
      set(defaultTarget(k));
      rerender();
    });
    const HELP: Record<Target['kind'], keyof typeof S> = {
      'wechat-miniprogram': 'hWechat',
      'baidu-swan': 'hBaidu',
      'douyin-miniprogram': 'hDouyin',
      'alipay-miniprogram': 'hAlipay',
      h5: 'hH5',
      qr: 'hQr',
    };
    const help = tx(HELP[t.kind]);
    box.append(labelled(tx('kind'), kindSel, `${path}.kind`, help));
    const rec = t as Record<string, unknown>;
    const text = (key: string, label: string, optional = true) =>
      labelled(
        label,
        input(String(rec[key] ?? ''), (v) => {
          if (v === '' && optional) delete rec[key];
          else rec[key] = v;
        }),
        `${path}.${key}`,
      );
    const row = el('div', { class: 'row' });
    if (t.kind === 'wechat-miniprogram') {
      row.append(
        text('appId', tx('appId'), false),
        text('path', tx('path'), false),
        text('query', tx('mpQuery')),
        text('username', tx('username')),
      );
      row.append(
        labelled(
          tx('envVersion'),
          select(
            [
              ['release', 'release'],
              ['trial', 'trial'],
              ['develop', 'develop'],
            ],
            String(rec.envVersion ?? 'release'),
            (v) => (rec.envVersion = v),
          ),
          `${path}.envVersion`,
        ),
        text('urlLink', tx('urlLink')),
        text('urlLinkExpiresAt', tx('urlLinkExpiresAt')),
        text('shortLink', tx('shortLink')),
      );
    } else if (t.kind === 'baidu-swan') {
      row.append(
        text('appKey', tx('appKey'), false),
        text('path', tx('path'), false),
        text('query', tx('mpQuery')),
        text('fallbackUrl', tx('fallbackUrl')),
      );
    } else if (t.kind === 'douyin-miniprogram') {
      row.append(
        text('appId', tx('appId'), false),
        text('path', tx('path'), false),
        text('query', tx('mpQuery')),
        text('urlLink', tx('douyinLink')),
        text('urlLinkExpiresAt', tx('douyinLinkExpiresAt')),
        text('fallbackUrl', tx('fallbackUrl')),
      );
    } else if (t.kind === 'alipay-miniprogram') {
      row.append(text('appId', tx('appId'), false), text('path', tx('path'), false), text('query', tx('mpQuery')));
    } else if (t.kind === 'h5') row.append(text('url', tx('url'), false));
    else row.append(text('url', tx('url')));
    box.append(row);
    return box;
  }

  function actionEditor(a: Action, path: string, set: (a: Action) => void) {
    const box = el('div', { class: 'action' });
    const modeSel = select(
      [
        ['target', tx('single')],
        ['split', tx('split')],
      ],
      a.type,
      (mode) => {
        if (mode === a.type) return;
        if (mode === 'split') {
          const first = a.type === 'target' ? a.target : defaultTarget('h5');
          set({
            type: 'split',
            variants: [
              { weight: 50, target: first },
              { weight: 50, target: defaultTarget('h5') },
            ],
          } as Action);
        } else set({ type: 'target', target: a.type === 'split' ? a.variants[0].target : defaultTarget('h5') });
        rerender();
      },
    );
    box.append(labelled(tx('thenDo'), modeSel, `${path}.type`));
    if (a.type === 'target') box.append(targetEditor(a.target, `${path}.target`, (t) => (a.target = t)));
    else {
      const sum = el('p', { class: 'sum', 'aria-live': 'polite', 'data-path': `${path}.variants` });
      const showSum = () => {
        const n = a.variants.reduce((s, v) => s + (Number(v.weight) || 0), 0);
        sum.textContent = tx('sum', { n });
        sum.className = n === 100 ? 'sum-ok' : 'sum-bad';
        updatePublishState();
      };
      a.variants.forEach((v, i) => {
        const vbox = el('div', { class: 'variant card' });
        const w = input(
          String(v.weight),
          (val) => {
            v.weight = Number(val);
            showSum();
          },
          'number',
        );
        w.setAttribute('min', '0');
        w.setAttribute('max', '100');
        w.setAttribute('step', '1');
        w.setAttribute('inputmode', 'numeric');
        const del = el('button', { type: 'button', class: 'secondary', text: tx('remove'), 'data-focus': `${path}.add` });
        del.disabled = a.variants.length <= 2;
        del.addEventListener('click', () => {
          a.variants.splice(i, 1);
          rerender();
        });
        vbox.append(el('div', { class: 'row' }, labelled(tx('weight'), w, `${path}.variants.${i}.weight`), del));
        vbox.append(targetEditor(v.target, `${path}.variants.${i}.target`, (t) => (v.target = t)));
        box.append(vbox);
      });
      const add = el('button', { type: 'button', class: 'secondary', text: tx('addVariant'), 'data-focus': `${path}.add` });
      add.disabled = a.variants.length >= 10;
      add.addEventListener('click', () => {
        a.variants.push({ weight: 0, target: defaultTarget('h5') });
        rerender();
      });
      box.append(sum, add);
      showSum();
    }
    return box;
  }

  function conditionEditor(c: AnyCondition, path: string, replace: (c: AnyCondition) => void, remove: () => void) {
    const row = el('div', { class: 'condition' });
    const field = uiField(c);
    row.append(
      labelled(
        tx('field'),
        select(
          FIELDS.map(([v, k]) => [v, tx(k)]),
          field,
          (f) => {
            replace(defaultCondition(f));
            rerender();
          },
        ),
        `${path}.field`,
      ),
    );
    const isQuery = c.field === 'query';
    const opChoices =
      c.field === 'host' || c.field === 'os'
        ? ['in', 'not_in']
        : STRING_FIELDS.includes(c.field as never)
          ? ['in', 'not_in', 'equals', 'not_equals', 'prefix', 'contains']
          : isQuery
            ? ['equals', 'not_equals', 'in', 'not_in', 'prefix', 'contains', 'exists', 'missing']
            : [];
    if (isQuery && field === 'query')
      row.append(
        labelled(
          tx('key'),
          input(String(c.key ?? ''), (v) => (c.key = v)),
          `${path}.key`,
        ),
      );
    if (opChoices.length)
      row.append(
        labelled(
          tx('op'),
          select(
            opChoices.map((o) => [o, tx(OPS[o])]),
            String(c.op),
            (op) => {
              const list = op === 'in' || op === 'not_in';
              const current = (c.values as string[] | undefined) ?? (c.value !== undefined ? [String(c.value)] : []);
              const next: AnyCondition = { ...c, op } as AnyCondition;
              delete next.value;
              delete next.values;
              if (list) next.values = current.length ? current : [''];
              else if (op !== 'exists' && op !== 'missing') next.value = current[0] ?? '';
              replace(next);
              rerender();
            },
          ),
          `${path}.op`,
        ),
      );
    if (c.field === 'host')
      row.append(
        checks(
          tx('value'),
          HOSTS.map(([v, k]) => [v, tx(k)]),
          (c.values as string[]) ?? [],
          `${path}.values`,
          (v) => ((c as Record<string, unknown>).values = v),
        ),
      );
    else if (c.field === 'os')
      row.append(
        checks(
          tx('value'),
          OSES.map((o) => [
            o,
            o === 'ios'
              ? 'iOS'
              : o === 'harmonyos'
                ? 'HarmonyOS NEXT'
                : o === 'desktop'
                  ? lang === 'en'
                    ? 'Desktop'
                    : '电脑'
                  : o === 'android'
                    ? lang === 'en'
                      ? 'Android (incl. HarmonyOS 2–4)'
                      : 'Android（含鸿蒙 2–4）'
                    : lang === 'en'
                      ? 'Other'
                      : '其他',
          ]),
          (c.values as string[]) ?? [],
          `${path}.values`,
          (v) => ((c as Record<string, unknown>).values = v),
        ),
      );
    else if (c.field === 'weekday') {
      const names = tx('days').split(',');
      row.append(
        checks(
          tx('value'),
          names.map((n, i) => [String(i + 1), n]),
          ((c.values as number[]) ?? []).map(String),
          `${path}.values`,
          (v) => (c.values = v.map(Number)),
        ),
      );
      row.append(
        labelled(
          tx('timeZone'),
          input(String(c.timeZone ?? TZ), (v) => (c.timeZone = v)),
          `${path}.timeZone`,
        ),
      );
    } else if (c.field === 'timeOfDay') {
      row.append(
        labelled(
          tx('from'),
          input(String(c.from ?? ''), (v) => (c.from = v), 'time'),
          `${path}.from`,
        ),
        labelled(
          tx('to'),
          input(String(c.to ?? ''), (v) => (c.to = v), 'time'),
          `${path}.to`,
        ),
        labelled(
          tx('timeZone'),
          input(String(c.timeZone ?? TZ), (v) => (c.timeZone = v)),
          `${path}.timeZone`,
        ),
      );
    } else if (c.field === 'schedule') {
      const iso = (key: 'start' | 'end') =>
        labelled(
          tx(key === 'start' ? 'from' : 'to'),
          input(String(c[key] ?? ''), (v) => {
            if (v.trim()) c[key] = v.trim();
            else delete c[key];
          }),
          `${path}.${key}`,
          tx('startHelp'),
        );
      row.append(iso('start'), iso('end'));
    } else if (c.field === 'bot' || c.field === 'harmony')
      row.append(
        labelled(
          tx('value'),
          select(
            [
              ['true', tx('yes')],
              ['false', tx('no')],
            ],
            String(c.value),
            (v) => (c.value = v === 'true'),
          ),
          `${path}.value`,
        ),
      );
    else if (c.op === 'in' || c.op === 'not_in')
      row.append(
        labelled(
          tx('value'),
          input(
            ((c.values as string[]) ?? []).join(', '),
            (v) =>
              (c.values = v
                .split(/[,，]/)
                .map((s) => s.trim())
                .filter(Boolean)),
          ),
          `${path}.values`,
          tx('valuesHelp'),
        ),
      );
    else if (c.op !== 'exists' && c.op !== 'missing')
      row.append(
        labelled(
          tx('value'),
          input(String(c.value ?? ''), (v) => (c.value = v)),
          `${path}.value`,
        ),
      );
    const del = el('button', {
      type: 'button',
      class: 'secondary',
      text: tx('remove'),
      'aria-label': `${tx('remove')} ${tx('condition')}`,
    });
    del.addEventListener('click', () => {
      remove();
      rerender();
    });
    row.append(del);
    return row;
  }

  function ruleCard(rule: Rule & { enabled?: boolean }, i: number) {
    const li = el('li', {
      class: `rule${matchedRule === i ? ' matched' : ''}`,
      'data-rule': rule.id,
      'aria-label': `${tx('rule')} ${i + 1}`,
    });
    const head = el('div', { class: 'rule-head' });
    // Drag to reorder with pointer events (mouse, pen and touch alike; HTML5 drag and drop does not
    // work on phones): press the handle, move over another rule, release. ↑ ↓ do the same by keyboard.
    const handle = el('span', { class: 'handle', title: tx('drag'), 'aria-hidden': 'true', text: '⠿' });
    handle.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      handle.setPointerCapture(e.pointerId);
      li.classList.add('dragging');
    });
    handle.addEventListener('pointerup', (e) => {
      li.classList.remove('dragging');
      const over = document.elementFromPoint(e.clientX, e.clientY)?.closest<HTMLElement>('li.rule');
      const to = over ? [...root!.querySelectorAll('li.rule')].indexOf(over) : -1;
      if (to < 0 || to === i) return;
      const [moved] = state.rules.splice(i, 1);
      state.rules.splice(to, 0, moved);
      rerender();
    });
    handle.addEventListener('pointercancel', () => li.classList.remove('dragging'));
    const name = input(rule.name ?? '', (v) => {
      if (v) rule.name = v;
      else delete rule.name;
    });
    const enabled = el('input', { type: 'checkbox', checked: rule.enabled !== false });
    enabled.addEventListener('change', () => {
      if (enabled.checked) delete rule.enabled;
      else rule.enabled = false;
      li.classList.toggle('off', !enabled.checked);
    });
    const move = (delta: number, key: string) => {
      const b = el('button', {
        type: 'button',
        class: 'secondary',
        text: key === 'up' ? '↑' : '↓',
        'aria-label': `${tx(key as 'up' | 'down')} (${tx('rule')} ${i + 1})`,
        'data-focus': `rule-${rule.id}-${key}`,
      });
      b.disabled = i + delta < 0 || i + delta >= state.rules.length;
      b.addEventListener('click', () => {
        const [moved] = state.rules.splice(i, 1);
        state.rules.splice(i + delta, 0, moved);
        rerender();
      });
      return b;
    };
    const del = el('button', {
      type: 'button',
      class: 'danger',
      text: tx('remove'),
      'aria-label': `${tx('remove')} ${tx('rule')} ${i + 1}`,
    });
    del.addEventListener('click', () => {
      state.rules.splice(i, 1);
      rerender();
    });
    const nameBox = labelled(tx('ruleName'), name, `rules.${i}.name`);
    nameBox.classList.add('grow');
    head.append(
      handle,
      nameBox,
      el('label', { class: 'inline-check' }, enabled, ` ${tx('enabled')}`),
      labelled(
        tx('match'),
        select(
          [
            ['all', tx('matchAll')],
            ['any', tx('matchAny')],
          ],
          rule.match ?? 'all',
          (v) => (rule.match = v as 'all' | 'any'),
        ),
        `rules.${i}.match`,
      ),
      move(-1, 'up'),
      move(1, 'down'),
      del,
    );
    li.append(head);
    rule.conditions.forEach((c, j) =>
      li.append(
        conditionEditor(
          c as AnyCondition,
          `rules.${i}.conditions.${j}`,
          (n) => (rule.conditions[j] = n as Condition),
          () => rule.conditions.splice(j, 1),
        ),
      ),
    );
    const addCond = el('button', {
      type: 'button',
      class: 'secondary',
      text: tx('addCondition'),
      'data-focus': `rule-${rule.id}-addc`,
      'data-path': `rules.${i}.conditions`,
    });
    addCond.addEventListener('click', () => {
      rule.conditions.push(defaultCondition('host') as Condition);
      rerender();
    });
    li.append(addCond);
    li.append(actionEditor(rule.action, `rules.${i}.action`, (a) => (rule.action = a)));
    if (rule.enabled === false) li.classList.add('off');
    return li;
  }

  const publish = el('button', { type: 'button', text: tx('publish'), id: 'publish' });
  function updatePublishState() {
    const bad = [...root!.querySelectorAll('.sum-bad')].length > 0;
    publish.disabled = bad;
  }

  function render() {
    root!.replaceChildren();
    root!.dataset.state = 'ready';
    const ol = el('ol', { class: 'rules' });
    state.rules.forEach((r, i) => ol.append(ruleCard(r, i)));
    const addRule = el('button', { type: 'button', class: 'secondary', text: tx('addRule'), id: 'add-rule', 'data-focus': 'add-rule' });
    addRule.addEventListener('click', () => {
      let n = state.rules.length + 1;
      while (state.rules.some((r) => r.id === `rule-${n}`)) n++;
      state.rules.push({
        id: `rule-${n}`,
        match: 'all',
        conditions: [defaultCondition('host') as Condition],
        action: { type: 'target', target: defaultTarget('h5') },
      });
      rerender();
    });
    const def = el('div', { class: 'card default', 'data-rule': 'default' }, el('h3', { text: tx('otherwise') }));
    def.append(actionEditor(state.default, 'default', (a) => (state.default = a)));
    const pass = input(
      (state.passThrough ?? []).join(', '),
      (v) =>
        (state.passThrough = v
          .split(/[,，]/)
          .map((s) => s.trim())
          .filter(Boolean)),
    );
    publish.onclick = () => void doPublish();
    root!.append(
      ol,
      addRule,
      def,
      labelled(tx('passThrough'), pass, 'passThrough', tx('passThroughHelp')),
      el('div', { class: 'actions' }, publish),
      status,
    );
    showIssues();
    updatePublishState();
  }

  /** Puts each issue next to its field (the nearest element whose data-path is a prefix of the issue's path). */
  function showIssues() {
    for (const issue of issues) {
      const parts = issue.path.map(String);
      let target: HTMLElement | null = null;
      for (let n = parts.length; n >= 0 && !target; n--)
        target = root!.querySelector<HTMLElement>(`[data-path="${CSS.escape(parts.slice(0, n).join('.'))}"]`);
      const id = `err-${++uid}`;
      const msg = el('p', { class: 'field-error', id, text: issue.message });
      if (target) {
        target.setAttribute('aria-invalid', 'true');
        target.setAttribute('aria-describedby', [target.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
        target.after(msg);
      } else status.before(msg);
    }
  }

  async function doPublish() {
    issues = [];
    publish.disabled = true;
    status.textContent = tx('publishing');
    const res = await fetch(data.publishUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(state),
    });
    const body = (await res.json().catch(() => ({}))) as { version?: number; error?: { message: string; issues?: Issue[] } };
    if (res.ok && body.version) {
      window.location.assign(`${window.location.pathname}?published=${body.version}`);
      return;
    }
    issues = body.error?.issues ?? [];
    render();
    status.textContent = `${tx('fixErrors')} ${body.error?.message ?? res.status}`;
    status.classList.add('field-error');
    root!.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  render();
  if (simRoot)
    mountSimulate(
      simRoot,
      data,
      csrf,
      () => state,
      (i) => {
        matchedRule = i;
        for (const [n, li] of root.querySelectorAll<HTMLElement>('.rule').entries()) li.classList.toggle('matched', n === i);
        root.querySelector('.default')?.classList.toggle('matched', i === -1);
      },
    );
}

function mountSimulate(box: HTMLElement, data: PageData, csrf: string, draft: () => LinkDefinition, onMatch: (rule: number) => void) {
  const form = el('form', { class: 'card', id: 'simulate-form' });
  const preset = select(
    data.presets.map(([id, zh, en]) => [id, lang === 'en' ? en : zh]),
    data.presets[0][0],
    () => {},
  );
  preset.name = 'preset';
  const country = input('CN', () => {});
  country.name = 'country';
  const time = input('', () => {}, 'datetime-local');
  time.name = 'time';
  const query = input('', () => {});
  query.name = 'query';
  const out = el('div', { id: 'simulate-result', 'aria-live': 'polite' });
  form.append(
    labelled(tx('preset'), preset, 'sim.preset'),
    el('div', { class: 'row' }, labelled(tx('country'), country, 'sim.country'), labelled(tx('time'), time, 'sim.time')),
    labelled(tx('query'), query, 'sim.query', tx('queryHelp')),
    el('div', { class: 'actions' }, el('button', { type: 'submit', text: tx('run') })),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = Object.fromEntries(new URLSearchParams(query.value.replace(/^\?/, '')));
    const sim: Record<string, unknown> = { query: q };
    if (country.value.trim()) sim.country = country.value.trim().toUpperCase();
    if (time.value) sim.time = `${time.value.length === 16 ? `${time.value}:00` : time.value}+08:00`;
    const link = draft();
    const res = await fetch(data.simulateUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ link, preset: preset.value, sim }),
    });
    const body = (await res.json()) as Record<string, unknown> & { error?: { message: string; issues?: Issue[] } };
    out.replaceChildren();
    if (!res.ok) {
      out.append(
        el('p', {
          class: 'field-error',
          role: 'alert',
          text: `${body.error?.message ?? res.status}: ${(body.error?.issues ?? []).map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
        }),
      );
      return;
    }
    const r = body as unknown as {
      ruleId: string | null;
      target: Target;
      plan: { kind: string; location?: string; url?: string };
      dropped: string[];
      warnings: string[];
      warningCodes?: string[];
      skipped: { ruleId: string; reason: string }[];
      env: { host: string; os: string; bot: boolean };
    };
    const idx = r.ruleId === null ? -1 : link.rules.findIndex((x) => x.id === r.ruleId);
    onMatch(idx);
    const ruleName = idx >= 0 ? `${link.rules[idx].name ?? r.ruleId} (#${idx + 1})` : '';
    const final = r.plan.location ?? r.plan.url ?? '';
    out.append(
      el('h3', { text: tx('decision') }),
      el('p', { text: tx('env', { h: r.env.host, o: r.env.os, b: r.env.bot ? ' · bot' : '' }) }),
      el('p', {
        class: 'decision',
        'data-rule': r.ruleId ?? 'default',
        text: r.ruleId === null ? tx('matchedDefault') : tx('matched', { r: ruleName }),
      }),
      el('p', { class: 'decision-target', 'data-kind': r.target.kind, text: tx('target', { k: r.target.kind }) }),
      el('p', {}, el('strong', { text: `${tx('finalUrl')}: ` }), el('code', { class: 'final-url', text: final || tx('preview') })),
    );
    if (r.skipped.length) {
      const ul = el('ul', { class: 'skipped' });
      for (const s of r.skipped) ul.append(el('li', { text: `${s.ruleId}: ${s.reason}` }));
      out.append(el('h4', { text: tx('skipped') }), ul);
    }
    if (r.dropped.length) out.append(el('p', { class: 'dropped', text: tx('dropped', { p: r.dropped.join(', ') }) }));
    // Warnings the console knows by code are shown in the page's language; others as the API words them.
    const shown = r.warnings.map((w, i) => (r.warningCodes?.[i] === 'wechat_hint_page_only' ? tx('wHintOnly') : w));
    if (shown.length) out.append(el('p', { class: 'notice', text: `${tx('warnings')}: ${shown.join('; ')}` }));
  });
  box.append(form, out);
}
