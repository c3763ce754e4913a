const { isHTTPError } = require('../../libs/edgepick.js');

const app = getApp();
const PLACEMENT = 'mp-home';

Page({
  data: { items: [], source: '', recommendationId: '', notice: '' },

  onShow() {
    return this.load();
  },

  async load() {
    // Personal picks; the visitor's taps since the last visit (in any channel) count at once (source "realtime").
    const client = app.globalData.edgepick;
    try {
      const picks = await client.recommend({ k: 10, placement: PLACEMENT });
      this.setData({ items: picks.items, source: picks.source, recommendationId: picks.recommendationId, notice: '' });
    } catch (e) {
      // 401/403: a missing or wrong site key (config.js); anything else: show best sellers instead.
      const notice = isHTTPError(e) && (e.status === 401 || e.status === 403) ? `edgepick: ${e.code}` : '';
      const popular = await client.popular({ k: 10 }).catch(() => ({ items: [], recommendationId: '' }));
      this.setData({ items: popular.items, source: 'popular', recommendationId: popular.recommendationId, notice });
    }
  },

  onTapItem(e) {
    const { id } = e.currentTarget.dataset;
    const { recommendationId } = this.data;
    app.globalData.edgepick.track({ type: 'click', itemId: id, recommendationId, placement: PLACEMENT });
    wx.navigateTo({ url: `/pages/product/product?id=${encodeURIComponent(id)}&rid=${encodeURIComponent(recommendationId)}` });
  },

  // The share button's tap stops here, so it does not open the product too.
  noop() {},

  onShareAppMessage(e) {
    const client = app.globalData.edgepick;
    const id = e.from === 'button' ? e.target.dataset.id : undefined; // a card's share button, or the menu
    if (id) {
      // The friend who opens this lands on the product page with `ref` = this shopper (shareLink() also tracks the share).
      const path = client.shareLink(id, { url: `/pages/product/product?item=${encodeURIComponent(id)}`, channel: client.channel });
      return { title: '给你推荐', path };
    }
    // The home page: the sharer rides along on the friend's events (app.js passes `ref` to the client).
    return { title: '为你推荐', path: `/pages/index/index?ref=${client.visitorId}` };
  },
});
