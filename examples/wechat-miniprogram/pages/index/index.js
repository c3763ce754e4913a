const app = getApp();

Page({
  data: { items: [], source: '' },
  async onShow() {
    const client = app.globalData.edgepick;
    try {
      const picks = await client.recommend({ k: 10, placement: 'mp-home' });
      this.setData({ items: picks.items, source: picks.source, recommendationId: picks.recommendationId });
    } catch {
      const popular = await client.popular({ k: 10 }).catch(() => ({ items: [] }));
      this.setData({ items: popular.items, source: 'popular' });
    }
  },
  onTapItem(e) {
    const { id } = e.currentTarget.dataset;
    app.globalData.edgepick.track({ type: 'click', itemId: id, recommendationId: this.data.recommendationId, placement: 'mp-home' });
    wx.navigateTo({ url: `/pages/product/product?id=${encodeURIComponent(id)}` });
  },
  onShareAppMessage(e) {
    const id = e.target?.dataset?.id;
    if (id) app.globalData.edgepick.track({ type: 'share', itemId: id });
    return { title: '给你推荐', path: `/pages/index/index?ref=${app.globalData.edgepick.visitorId}` };
  },
});
