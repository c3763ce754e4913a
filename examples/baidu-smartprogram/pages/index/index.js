const { isHTTPError } = require('../../libs/edgepick.js');

const app = getApp();
const PLACEMENT = 'swan-home';
// The item the shopper looked at last on this device (this page's own use of swan storage).
const LAST_SEEN = 'shop:last-seen';

Page({
  data: { items: [], source: '', recommendationId: '', lastSeen: '', notice: '' },

  onShow() {
    this.setData({ lastSeen: swan.getStorageSync(LAST_SEEN) || '' });
    return this.load();
  },

  async load() {
    // Personal picks over swan.request; interactions from the web shop or the WeChat mini-program
    // count too when the shopper is known there by the same userId.
    const client = app.globalData.edgepick;
    try {
      const picks = await client.recommend({ k: 10, placement: PLACEMENT });
      this.setData({ items: picks.items, source: picks.source, recommendationId: picks.recommendationId, notice: '' });
    } catch (e) {
      const notice = isHTTPError(e) && (e.status === 401 || e.status === 403) ? `edgepick: ${e.code}` : '';
      const popular = await client.popular({ k: 10 }).catch(() => ({ items: [], recommendationId: '' }));
      this.setData({ items: popular.items, source: 'popular', recommendationId: popular.recommendationId, notice });
    }
  },

  onTapItem(e) {
    const { id } = e.currentTarget.dataset;
    const { recommendationId } = this.data;
    // Queued with channel "baidu" and sent in the next batch (or at once by flush()).
    app.globalData.edgepick.track({ type: 'click', itemId: id, recommendationId, placement: PLACEMENT });
    swan.setStorageSync(LAST_SEEN, id);
    swan.navigateTo({ url: `/pages/product/product?id=${encodeURIComponent(id)}&rid=${encodeURIComponent(recommendationId)}` });
  },

  onShareAppMessage() {
    const client = app.globalData.edgepick;
    return { title: '为你推荐', content: '看看这些好物', path: `/pages/index/index?ref=${client.visitorId}` };
  },
});
