// The edgepick client in a WeChat mini-program: wx.request and wx storage, no fetch, no DOM.
// libs/edgepick.js is the SDK's CommonJS build for mini-programs, copied here by `npm run build`
// (see README.md): a mini-program can only require files inside its own project.
const { createClient } = require('./libs/edgepick.js');
const config = require('./config.js');

App({
  onLaunch({ query = {} }) {
    this.globalData.edgepick = createClient({
      site: config.site,
      key: config.key,
      endpoint: config.endpoint,
      // wx.request + wx.getStorageSync/setStorageSync; events carry channel "wechat".
      transport: 'wx',
      // Opened from a friend's share (`?ref=<their visitor id>`): attribute this visit to them.
      ref: query.ref,
    });
  },
  // After your own login (wx.login → your server), call `this.globalData.edgepick.setUserId(shopUserId)`:
  // the same id on the web shop and in the other mini-program makes them one shopper, whose latest
  // interactions in any channel count in the picks of every other.
  onHide() {
    // Leaving the app: send what is queued now (the rest is stored and sent on the next launch).
    this.globalData.edgepick.flush().catch(() => {});
  },
  globalData: { edgepick: null },
});
