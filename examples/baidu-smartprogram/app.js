// The edgepick client in a Baidu smart mini-program: swan.request and swan storage
// (getStorageSync/setStorageSync), no fetch, no DOM. libs/edgepick.js is the SDK's CommonJS build for
// mini-programs, copied here by `npm run build` (see README.md).
const { createClient } = require('./libs/edgepick.js');
const config = require('./config.js');

App({
  onLaunch({ query = {} }) {
    this.globalData.edgepick = createClient({
      site: config.site,
      key: config.key,
      endpoint: config.endpoint,
      // swan.request + swan.getStorageSync/setStorageSync; events carry channel "baidu".
      transport: 'swan',
      // Opened from a share or a campaign link with `?ref=<sharer's visitor id>`.
      ref: query.ref,
    });
  },
  // After your own login (swan.login → your server), call `this.globalData.edgepick.setUserId(shopUserId)`:
  // the same id on the web shop and in the other mini-program makes them one shopper, whose latest
  // interactions in any channel count in the picks of every other.
  onHide() {
    this.globalData.edgepick.flush().catch(() => {});
  },
  globalData: { edgepick: null },
});
