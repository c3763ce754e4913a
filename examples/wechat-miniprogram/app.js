// The edgepick client runs in WeChat mini-programs: no DOM, no fetch — it uses wx.request and wx
// storage. Copy the SDK's ESM build (dist/sdk/index.js after `npm run build`) into this project as
// edgepick.js (the developer tools compile ES modules), and add your worker's domain to the
// mini-program's request allow-list (request 合法域名). Baidu smart mini-programs: pass `swan`.
const { createClient } = require('./edgepick.js');

App({
  onLaunch(options) {
    this.globalData.edgepick = createClient({
      site: 'demo',
      endpoint: 'https://picks.example.com',
      // The `wx` object itself: it is not always a property of globalThis in the mini-program runtime.
      transport: wx,
      // Opened from a friend's share (`?ref=<their visitor id>`): attribute this visit to them.
      ref: options.query?.ref,
    });
  },
  onHide() {
    // Leaving the app: send what is queued now (the rest is stored and sent on the next launch).
    this.globalData.edgepick?.flush().catch(() => {});
  },
  globalData: { edgepick: null },
});
