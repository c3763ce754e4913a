-- Where an event happened (web, wechat, baidu, douyin, alipay, app, other); NULL for older events.
ALTER TABLE events ADD COLUMN channel TEXT;
