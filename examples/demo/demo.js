// The demo storefront: hash routes (#/p/{id}) show a product in-page; every view and click is
// tracked through the SDK, so the "For you" widget refreshes with real-time fold-in.
(() => {
  const { client } = window.edgepick;
  const $ = (id) => document.getElementById(id);
  const forYou = $('for-you');
  const source = $('source');
  const labels = {
    model: '个性化 · personal (trained model)',
    realtime: '实时 · real-time (your latest clicks)',
    popular: '热门 · popular (no history yet)',
  };

  const showSource = (picks) => {
    source.textContent = `为你推荐来源 source: ${labels[picks.source] ?? picks.source}`;
    source.dataset.source = picks.source;
  };
  forYou.addEventListener('edgepick:load', (e) => showSource(e.detail));
  // This script is deferred: the first picks may have arrived before the listener.
  if (forYou.picks) showSource(forYou.picks);

  const shopper = $('shopper');
  const saved = sessionStorage.getItem('demo:user') ?? '';
  shopper.value = saved;
  if (saved) client.setUserId(saved);
  shopper.addEventListener('change', () => {
    sessionStorage.setItem('demo:user', shopper.value);
    client.setUserId(shopper.value || undefined);
  });

  const price = (item) =>
    item.price === undefined
      ? ''
      : new Intl.NumberFormat('zh-CN', { style: 'currency', currency: item.currency ?? 'CNY' }).format(item.price);

  async function show(id) {
    const panel = $('product');
    if (!id) {
      panel.hidden = true;
      return;
    }
    let item;
    try {
      item = await client.item(id);
    } catch {
      panel.hidden = true;
      return;
    }
    $('product-image').src = item.image ?? '';
    $('product-image').alt = item.title ?? id;
    $('product-title').textContent = item.title ?? id;
    $('product-title-en').textContent = item.titleEn ?? '';
    $('product-price').textContent = price(item);
    $('cart-status').textContent = '';
    $('share-link').textContent = '';
    panel.dataset.itemId = id;
    panel.hidden = false;
    const slot = $('similar-slot');
    slot.replaceChildren();
    const similar = document.createElement('edgepick-recs');
    similar.setAttribute('placement', 'similar');
    similar.setAttribute('item-id', id);
    similar.setAttribute('limit', '6');
    similar.setAttribute('layout', 'carousel');
    slot.append(similar);
    client.track({ type: 'view', itemId: id });
    window.scrollTo({ top: 0 });
  }

  $('add-to-cart').addEventListener('click', () => {
    const id = $('product').dataset.itemId;
    if (!id) return;
    client.track({ type: 'add_to_cart', itemId: id, quantity: 1 });
    $('cart-status').textContent = '已加入 · added';
  });

  // A share link carries this visitor as `ref`; whoever opens it brings the sharer along on their events.
  $('share').addEventListener('click', async () => {
    const id = $('product').dataset.itemId;
    if (!id) return;
    const link = client.shareLink(id, `${location.origin}/#/p/${id}`);
    $('share-link').textContent = link;
    try {
      await navigator.clipboard.writeText(link);
      $('cart-status').textContent = '链接已复制 · link copied';
    } catch {
      $('cart-status').textContent = '';
    }
  });

  const route = () => show((/^#\/p\/([\w-]+)$/.exec(location.hash) ?? [])[1]);
  window.addEventListener('hashchange', route);
  route();
})();
