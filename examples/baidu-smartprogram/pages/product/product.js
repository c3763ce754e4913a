const app = getApp();
const PLACEMENT = 'swan-similar';

Page({
  data: { item: null, similar: [], recommendationId: '' },

  async onLoad(query) {
    const client = app.globalData.edgepick;
    const id = decodeURIComponent(query.id || '');
    this.itemId = id;
    client.track({ type: 'view', itemId: id, recommendationId: query.rid ? decodeURIComponent(query.rid) : undefined });
    const [item, similar] = await Promise.all([
      client.item(id).catch(() => ({ id, title: id })),
      client.similar(id, { k: 6 }).catch(() => ({ items: [], recommendationId: '' })),
    ]);
    swan.setNavigationBarTitle({ title: item.title });
    this.setData({ item, similar: similar.items, recommendationId: similar.recommendationId });
  },

  onAddToCart() {
    app.globalData.edgepick.track({ type: 'add_to_cart', itemId: this.itemId, quantity: 1, price: this.data.item.price });
    swan.showToast({ title: '已加入购物车' });
  },

  onTapSimilar(e) {
    const { id } = e.currentTarget.dataset;
    app.globalData.edgepick.track({ type: 'click', itemId: id, recommendationId: this.data.recommendationId, placement: PLACEMENT });
    swan.navigateTo({ url: `/pages/product/product?id=${encodeURIComponent(id)}&rid=${encodeURIComponent(this.data.recommendationId)}` });
  },

  onShareAppMessage() {
    const client = app.globalData.edgepick;
    client.track({ type: 'share', itemId: this.itemId });
    return {
      title: this.data.item ? this.data.item.title : '给你推荐',
      content: '好友推荐',
      path: `/pages/product/product?id=${encodeURIComponent(this.itemId)}&ref=${client.visitorId}`,
    };
  },
});
