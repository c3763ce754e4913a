// The edgepick client runs in WeChat mini-programs: no DOM, no fetch — it uses wx.request and
// wx storage. Copy dist/sdk/index.js into this project as edgepick.js (npm run build), and add
// your worker's domain to the mini-program's request allow-list (request 合法域名).
const { createClient } = require('./edgepick.js');

App({
  globalData: {
    edgepick: createClient({ site: 'demo', endpoint: 'https://picks.example.com', transport: 'wx' }),
  },
});
