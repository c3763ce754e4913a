import { createClient, isHTTPError, mountRecommendations } from 'edgepick';

const client = createClient({ site: 'demo', endpoint: 'http://127.0.0.1:8787' });
const widget = mountRecommendations(document.getElementById('recs'), { client, placement: 'for-you', limit: 6, layout: 'carousel' });

document.getElementById('view').addEventListener('click', () => {
  client.track({ type: 'view', itemId: 'p0002' }); // for-you widgets refresh themselves
});

// Headless use: render your own UI.
try {
  const picks = await client.recommend({ k: 3 });
  console.log(
    picks.source,
    picks.items.map((i) => i.title),
  );
} catch (e) {
  if (isHTTPError(e)) console.warn('edgepick answered', e.status, e.code);
}
window.addEventListener('pagehide', () => widget.destroy());
