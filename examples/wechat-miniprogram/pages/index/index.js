const app = getApp();

Page({
  data: { items: [], source: '', recommendationId: '' },
  async onShow() {
    // Personal picks; the visitor's taps since the last visit are folded in at once (source "realtime").
    const client = app.globalData.edgepick;
    try {
      const picks = await client.recommend({ k: 10, placement: 'mp-home' });
      this.setData({ items: picks.items, source: picks.source, recommendationId: picks.recommendationId });
    } catch {
      const popular = await client.popular({ k: 10 }).catch(() => ({ items: [], recommendationId: '' }));
      this.setData({ items: popular.items, source: 'popular', recommendationId: popular.recommendationId });
    }
  },
  onTapItem(e) {
    const { id } = e.currentTarget.dataset;
    app.globalData.edgepick.track({ type: 'click', itemId: id, recommendationId: this.data.recommendationId, placement: 'mp-home' });
    wx.navigateTo({ url: `/pages/product/product?id=${encodeURIComponent(id)}` });
  },
  onShareAppMessage(e) {
    const client = app.globalData.edgepick;
    const id = e.target?.dataset?.id;
    if (id) client.track({ type: 'share', itemId: id });
    // The friend who opens this lands with `ref` = this visitor (read in app.js onLaunch).
    return { title: '给你推荐', path: `/pages/index/index?ref=${client.visitorId}` };
  },
});
