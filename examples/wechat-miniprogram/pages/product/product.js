const app = getApp();
const PLACEMENT = 'mp-similar';

/** A query value as text ('' when absent or malformed): page options arrive URL-encoded. */
function param(query, name) {
  try {
    return decodeURIComponent(query[name] || '');
  } catch (_e) {
    return '';
  }
}

Page({
  data: { item: null, similar: [], recommendationId: '' },

  async onLoad(query) {
    const client = app.globalData.edgepick;
    // `id` from the home page; `item` from a friend's share card or a campaign link (`/r/<slug>` passes
    // `ref`, `ch`, and `item` when the link lists it in its pass-through, into this page's query).
    const id = param(query, 'id') || param(query, 'item');
    this.itemId = id;
    client.track({
      type: 'view',
      itemId: id,
      // The recommendation that led here (from the home page), for attribution of the view.
      recommendationId: param(query, 'rid') || undefined,
      // Opened from a share: the arrival is recorded with the sharer, and this item comes back first
      // in the shopper's picks as `shared_with_you`. Read here, not only in app.js, because a share
      // opened while the app is still running reaches this page but not App.onLaunch.
      ref: param(query, 'ref') || undefined,
    });
    const [item, similar] = await Promise.all([
      client.item(id).catch(() => ({ id, title: id })),
      client.similar(id, { k: 6 }).catch(() => ({ items: [], recommendationId: '' })),
    ]);
    wx.setNavigationBarTitle({ title: item.title });
    this.setData({ item, similar: similar.items, recommendationId: similar.recommendationId });
  },

  onAddToCart() {
    app.globalData.edgepick.track({ type: 'add_to_cart', itemId: this.itemId, quantity: 1, price: this.data.item.price });
    wx.showToast({ title: '已加入购物车' });
  },

  onTapSimilar(e) {
    const { id } = e.currentTarget.dataset;
    app.globalData.edgepick.track({ type: 'click', itemId: id, recommendationId: this.data.recommendationId, placement: PLACEMENT });
    wx.navigateTo({ url: `/pages/product/product?id=${encodeURIComponent(id)}&rid=${encodeURIComponent(this.data.recommendationId)}` });
  },

  onShareAppMessage() {
    const client = app.globalData.edgepick;
    // shareLink() tracks the share and adds this shopper as `ref` (the user id once setUserId() was
    // called, else the visitor id) and `ch`: the friend who opens the card lands here with the sharer.
    // (No `shareSlug` option in a mini-program: a share card opens a page path, not a URL.)
    const path = client.shareLink(this.itemId, {
      url: `/pages/product/product?item=${encodeURIComponent(this.itemId)}`,
      channel: client.channel,
    });
    return { title: this.data.item ? this.data.item.title : '给你推荐', path };
  },
});
