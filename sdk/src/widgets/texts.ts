/** Which list a widget shows: personal picks, items like one item, or best sellers. */
export type Placement = 'for-you' | 'similar' | 'popular';
/** The languages the widgets speak. */
export type Locale = 'zh-CN' | 'en';

/** Every visible string, per locale; override any of them with `texts`. */
export interface Texts {
  'for-you': string;
  similar: string;
  popular: string;
  previous: string;
  next: string;
  /** `{i}` and `{n}` are replaced: the carousel slide label. */
  slide: string;
  carousel: string;
  /** Short labels for an item's `reason` (shown with the `reasons` option). */
  because_you_viewed: string;
  shared_with_you: string;
  trending: string;
  pinned: string;
  new: string;
  /**
   * Social proof on a card (`socialProof` option): `{n}` is the item's `sharedToday`. `shared_once`, when
   * given, is used for 1 instead (English needs it, Chinese does not).
   */
  shared_today: string;
  shared_once?: string;
  /** The share button on a card (`share` option) and what it says once the link is copied. */
  share: string;
  copied: string;
}

/** The built-in texts of each locale. */
export const TEXTS: Record<Locale, Texts> = {
  'zh-CN': {
    'for-you': '为你推荐',
    similar: '相似商品',
    popular: '热门商品',
    previous: '上一个',
    next: '下一个',
    slide: '第 {i} 个，共 {n} 个',
    carousel: '商品轮播',
    because_you_viewed: '与你看过的相似',
    shared_with_you: '好友分享',
    trending: '正在流行',
    pinned: '精选',
    new: '新品',
    shared_today: '今日分享 {n} 次',
    share: '分享',
    copied: '链接已复制',
  },
  en: {
    'for-you': 'Recommended for you',
    similar: 'Similar items',
    popular: 'Popular',
    previous: 'Previous',
    next: 'Next',
    slide: '{i} of {n}',
    carousel: 'Products',
    because_you_viewed: 'Like what you viewed',
    shared_with_you: 'Shared with you',
    trending: 'Trending',
    pinned: 'Featured',
    new: 'New',
    shared_today: 'Shared {n} times today',
    shared_once: 'Shared once today',
    share: 'Share',
    copied: 'Link copied',
  },
};

/** `requested`, else `<html lang>`, else the browser's language: `en…` is English, anything else zh-CN. */
export function pickLocale(requested?: string): Locale {
  // The storefront's language first (<html lang>), then the browser's.
  const lang =
    requested ||
    (typeof document !== 'undefined' && document.documentElement.lang) ||
    (typeof navigator !== 'undefined' ? navigator.language : 'zh-CN');
  return /^en\b/i.test(lang ?? '') ? 'en' : 'zh-CN';
}
