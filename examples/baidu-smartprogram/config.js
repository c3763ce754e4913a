// Your site: its id, its public key (`ep_pub_…`, from `POST /v1/admin/sites` or the console's Keys page)
// and the worker's origin. Add that origin to the smart program's request allow-list (开发设置 → 服务器域名
// → request 合法域名); while developing, the project's "urlCheck": false lets the simulator call any host.
module.exports = {
  site: 'demo',
  key: 'ep_pub_REPLACE_WITH_YOUR_PUBLIC_KEY',
  endpoint: 'https://picks.example.com',
};
