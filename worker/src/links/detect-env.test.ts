import { describe, expect, it } from 'vitest';
import { HostName, LinkDefinition, OsName } from '../../../schema/routing.js';
import { detectEnv, type Host, type Os, UA_MAX } from './detect-env.js';
import { compiledLink, evaluateLink } from './rules.js';

// Real user-agent strings from public fixtures of other projects; each row cites its source:
//   [LZL]   lzl124631x/lzl124631x.github.io  _posts/2016-04-08-check-wechat-user-agent.md
//   [SFE]   searchfe/user-agent               test/index.js
//   [HUB]   hubvue/tools                      packages/utils/__mocks__/ua.ts
//   [UAP-H] faisalman/ua-parser-js            test/data/ua/os/harmonyos.json
//   [UAP-C] faisalman/ua-parser-js            test/data/ua/extension/crawler.json
//   [DDN]   DeviceDetector.NET test suite, TestIssue76 (Xiaomi browser "swan-mibrowser")
//   [WXDOC] WeChat web-view docs (developers.weixin.qq.com/miniprogram/dev/component/web-view):
//           "from WeChat 7.0.0 the userAgent contains miniProgram" — UAs as seen in public client code.
//   [PUB]   a UA string found verbatim in public GitHub client code (via the code search index).
//   [WOU-R] tool-developer/wo-useragent           test/robot.test.js
//   [WOU-I] tool-developer/wo-useragent           test/index.test.js
//   [UAP-B] faisalman/ua-parser-js                test/data/ua/browser/browser-all.json
//   [SWAN]  mosuite/swan-js-api                   test/utils/constant.js (iosUA / androidUA)
//   [VSO]   cuilongjin/vercel-serverless-openapi  api/useragent.js
//   [ZAX]   jsonchou/zax-device                   __mocks__/ua-list.js
//   [OHD]   OpenHarmony docs, en/application-dev/web/web-default-userAgent.md (gitcode.com/openharmony/docs):
//           the default ArkWeb UA of HarmonyOS NEXT / OpenHarmony 5 phones
//   [YYB]   a public UA library ("yyb-ua", citing lanren-tools.com/user-agent): WeChat on a Mate 60 Pro, HarmonyOS 4.0
//   [UAL]   a public UA preset list (found via the code search index): Huawei Browser on a Mate 60 Pro, HarmonyOS 4.0
type Row = [source: string, label: string, ua: string, host: Host, os: Os, bot: boolean];

const ROWS: Row[] = [
  [
    'LZL',
    'WeChat for Windows',
    'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/39.0.2171.95 Safari/537.36 MicroMessenger/6.5.2.501 NetType/WIFI WindowsWechat',
    'wechat',
    'desktop',
    false,
  ],
  [
    'LZL',
    'Chrome on Windows',
    'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/49.0.2623.110 Safari/537.36',
    'other',
    'desktop',
    false,
  ],
  [
    'LZL',
    'WeChat on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 9_3 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Mobile/13E233 MicroMessenger/6.3.15 NetType/WIFI Language/zh_CN',
    'wechat',
    'ios',
    false,
  ],
  [
    'LZL',
    'Safari on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 9_3 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Version/9.0 Mobile/13E233 Safari/601.1',
    'other',
    'ios',
    false,
  ],
  [
    'LZL',
    'WeChat on Android',
    'Mozilla/5.0 (Linux; Android 5.0.1; GT-I9502 Build/LRX22C; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/43.0.2357.121 Mobile Safari/537.36 MicroMessenger/6.1.0.78_r1129455.543 NetType/WIFI',
    'wechat',
    'android',
    false,
  ],
  [
    'LZL',
    'Samsung browser',
    'Mozilla/5.0 (Linux; Android 5.0.1; SAMSUNG GT-I9502 Build/LRX22C) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/2.1 Chrome/34.0.1847.76 Mobile Safari/537.36',
    'other',
    'android',
    false,
  ],
  [
    'SFE',
    'QQ Browser on Android (not the QQ app)',
    'Mozilla/5.0 (Linux; U; Android 4.4.4; zh-cn; HUAWEI C8818 Build/HuaweiC8818) AppleWebKit/537.36 (KHTML, like Gecko)Version/4.0 MQQBrowser/5.8 Mobile Safari/537.36',
    'other',
    'android',
    false,
  ],
  [
    'SFE',
    'QQ Browser on iOS',
    'Mozilla/5.0 (iPhone 84; CPU iPhone OS 10_3_3 like Mac OS X) AppleWebKit/603.3.8 (KHTML, like Gecko) Version/10.0 MQQBrowser/7.8.0 Mobile/14G60 Safari/8536.25 MttCustomUA/2 QBWebViewType/1 WKType/1',
    'other',
    'ios',
    false,
  ],
  [
    'SFE',
    'UC on Android',
    'Mozilla/5.0 (Linux; U; Android 7.0; zh-CN; ZUK Z2121 Build/NRD90M) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/40.0.2214.89 UCBrowser/11.6.8.952 Mobile Safari/537.36',
    'other',
    'android',
    false,
  ],
  [
    'SFE',
    'Safari iOS 10',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 10_3_1 like Mac OS X) AppleWebKit/603.1.30 (KHTML, like Gecko) Version/10.0 Mobile/14E304 Safari/602.1',
    'other',
    'ios',
    false,
  ],
  [
    'SFE',
    'Baidu app on iOS',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 9_3_2 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Mobile/13F69 baiduboxapp/0_8.0.0.9_enohpi_6311_046/2.3.9_2C2%255enohPi/1000306f/C4FF069AC425606E29ACA3E490065B7C5DFD70645OCEANNARPH/1',
    'baidu',
    'ios',
    false,
  ],
  [
    'SFE',
    'Baidu app on Android',
    'Mozilla/5.0 (Linux; U; Android 4.1.1; zh-cn; SCH-N719 Build/JRO03C) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30 baiduboxapp/6.3 (Baidu; P1 4.1.1)',
    'baidu',
    'android',
    false,
  ],
  [
    'SFE',
    'QQ app on Android',
    'Mozilla/5.0 (Linux; Android 7.1.1; OS105 Build/NGI77B; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/62.0.3202.84 Mobile Safari/537.36 V1_AND_SQ_7.6.8_872_YYB_D QQ/7.6.8.3615 NetType/WIFI WebP/0.4.1 Pixel/1080',
    'qq',
    'android',
    false,
  ],
  [
    'SFE',
    'WeChat on Android (TBS, says MQQBrowser)',
    'Mozilla/5.0 (Linux; Android 7.1.1; OS105 Build/NGI77B; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/57.0.2987.132 MQQBrowser/6.2 TBS/044109 Mobile Safari/537.36 MicroMessenger/6.6.7.1320(0x26060739) NetType/WIFI Language/en',
    'wechat',
    'android',
    false,
  ],
  [
    'SFE',
    'Baidu app on Huawei',
    'Mozilla/5.0 (Linux; Android 8.1.0; ALP-AL00 Build/HUAWEIALP-AL00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/63.0.3239.83 Mobile Safari/537.36 T7/10.13 baiduboxapp/10.13.0.11 (Baidu; P1 8.1.0)',
    'baidu',
    'android',
    false,
  ],
  [
    'SFE',
    'WeChat on Huawei nova 3',
    'Mozilla/5.0 (Linux; Android 8.1; PAR-AL00 Build/HUAWEIPAR-AL00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/57.0.2987.132 MQQBrowser/6.2 TBS/044304 Mobile Safari/537.36 MicroMessenger/6.7.3.1360(0x26070333) NetType/WIFI Language/zh_CN Process/tools',
    'wechat',
    'android',
    false,
  ],
  [
    'SFE',
    'Baidu lite on iOS',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 10_3 like Mac OS X) AppleWebKit/603.1.30 (KHTML, like Gecko) Mobile/14E277 info baiduboxapp/3.7.6.12 (Baidu; P2 10.3)',
    'baidu',
    'ios',
    false,
  ],
  [
    'SFE',
    'Baidu lite on Android',
    'Mozilla/5.0 (Linux; Android 7.1.1; OS105 Build/NGI77B; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/63.0.3239.83 Mobile Safari/537.36 T7/10.13 lite baiduboxapp/3.7.5.11 (Baidu; P1 7.1.1)',
    'baidu',
    'android',
    false,
  ],
  [
    'SFE',
    'Baidu smart-program web-view (swan)',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 swan/2.4.0 swan-baiduboxapp/11.9.0.1 baiduboxapp/11.9.0.1 (Baidu; P2 12.2)',
    'baidu-swan',
    'ios',
    false,
  ],
  [
    'SFE',
    'Baidu bdapp (tomas)',
    'Mozilla/5.0 (Linux; Android 10; TAS-AN00 Build/HUAWEITAS-AN00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/76.0.3809.89 Mobile Safari/537.36 T7/12.1 matrixstyle/1 SP-engine/0.0.0 bdapp/1.0 (tomas; tomas) tomas/1.0.0.1 (Baidu; P1 10) NABar/1.0',
    'baidu',
    'android',
    false,
  ],
  [
    'SFE',
    'Baidu vision on iOS',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 14_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 SP-engine/2.24.0 bdapp/1.0 (baiduboxvision; baiduboxvision) baiduboxvision/1.4.0.10 (Baidu; P2 14.0) main/1.0 bdapp/1.0 (baiduboxvision; baiduboxvision) baiduboxvision/1.4.0.10 (Baidu; P2 14.0) NABar/1.0',
    'baidu',
    'ios',
    false,
  ],
  [
    'SFE',
    'OPPO browser',
    'Mozilla/5.0 (Linux; U; Android 8.1.0; zh-cn; PBBM30 Build/OPM1.171019.026) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/70.0.3538.80 Mobile Safari/537.36 HeyTapBrowser/10.7.4.2',
    'other',
    'android',
    false,
  ],
  [
    'HUB',
    'Alipay on Android',
    'Mozilla/5.0 (Linux; U; Android 10; zh-CN; H9493 Build/52.1.A.3.49) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.21.0.169 Mobile Safari/537.36 AlipayChannelId/5136 UCBS/3.21.0.169_200731162109 NebulaSDK/1.8.100112 Nebula AlipayDefined(nt:WIFI,ws:411|0|3.5,ac:sp) AliApp(AP/10.2.0.8026) AlipayClient/10.2.0.8026 Language/zh-Hans useStatusBar/true isConcaveScreen/false Region/CN NebulaX/1.0.0 Ariver/1.0.0',
    'alipay',
    'android',
    false,
  ],
  [
    'HUB',
    'WeChat on iOS 6',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 6_1_3 like Mac OS X) AppleWebKit/536.26 (KHTML, like Gecko) Mobile/10B329 MicroMessenger/5.0.1',
    'wechat',
    'ios',
    false,
  ],
  [
    'HUB',
    'Chrome on Android',
    'Mozilla/5.0 (Linux; Android 7.1.1; OPPO R9sk) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.111 Mobile Safari/537.36',
    'other',
    'android',
    false,
  ],
  [
    'HUB',
    'Douyin on Android',
    'Mozilla/5.0 (Linux; Android 9; COL-TL10 Build/HUAWEICOL-TL10; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/75.0.3770.156 Mobile Safari/537.36 aweme_130400 JsSdk/1.0 NetType/WIFI Channel/huawei_1 AppName/aweme app_version/13.4.0 ByteLocale/zh-Hans-CN Region/CN AppSkin/black AppTheme/dark TTWebView/0751130003508',
    'douyin',
    'android',
    false,
  ],
  [
    'HUB',
    'an iOS app web-view',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 9_3 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Mobile/13E230/myapp/1.0.0',
    'other',
    'ios',
    false,
  ],
  [
    'HUB',
    'iPad',
    'Mozilla/5.0 (iPad; U; CPU OS 3_2 like Mac OS X; en-us) AppleWebKit/531.21.10 (KHTML, like Gecko) Version/4.0.4 Mobile/7B334b Safari/531.21.10',
    'other',
    'ios',
    false,
  ],
  [
    'HUB',
    'QQ app (TBS, says MQQBrowser too)',
    'Mozilla/5.0 (Linux; Android 5.1; OPPO R9tm Build/LMY47I; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/53.0.2785.49 Mobile MQQBrowser/6.2 TBS/043128 Safari/537.36 V1_AND_SQ_7.0.0_676_YYB_D PA QQ/7.0.0.3135 NetType/4G WebP/0.3.0 Pixel/1080',
    'qq',
    'android',
    false,
  ],
  [
    'HUB',
    'WeCom (also says MicroMessenger)',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 10_2 like Mac OS X) AppleWebKit/602.3.12 (KHTML, like Gecko) Mobile/14C92 wxwork/2.4.2 MicroMessenger/6.3.22 Language/zh',
    'wecom',
    'ios',
    false,
  ],
  [
    'HUB',
    'Chrome on Windows 10',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/75.0.3770.142 Safari/537.36',
    'other',
    'desktop',
    false,
  ],
  [
    'HUB',
    'Edge on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/98.0.4758.80 Safari/537.36 Edg/98.0.1108.43',
    'other',
    'desktop',
    false,
  ],
  [
    'UAP-H',
    'Huawei browser on HarmonyOS',
    'Mozilla/5.0 (Linux; Android 10; HarmonyOS; YAL-AL10; HMSCore 6.3.0.327; GMSCore 21.48.15) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/92.0.4515.105 HuaweiBrowser/12.0.3.310 Mobile Safari/537.36',
    'other',
    'android',
    false,
  ],
  [
    'UAP-H',
    'Baidu app on HarmonyOS 2',
    'Mozilla/5.0 (Linux; Android 10; STK-AL00 Build/HUAWEISTK-AL00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/88.0.4324.93 Mobile Safari/537.36 BDOS/1.0 (HarmonyOS 2.2.0) SP-engine/2.72.0 baiduboxapp/13.34.5.10 (Baidu; P1 10) NABar/1.0',
    'baidu',
    'android',
    false,
  ],
  [
    'UAP-H',
    'Opera on HarmonyOS 3',
    'Mozilla/5.0 (Linux; Android 12; Huawei P60 Pro Build/HarmonyOS 3.1.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/111.1.6136.139 Mobile Safari/537.36 OPR/111.11',
    'other',
    'android',
    false,
  ],
  [
    'UAP-H',
    'HarmonyOS 5 PC (ArkWeb)',
    'Mozilla/5.0 (PC; OpenHarmony 5.0; HarmonyOS 5.0) AppleWebKit/537.36 (KHTML,like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Browser/harmony360Browser/1.0.0',
    'other',
    'harmonyos',
    false,
  ],
  [
    'YYB',
    'WeChat on HarmonyOS 4.0 (Mate 60 Pro)',
    'Mozilla/5.0 (Linux; Android 12; HarmonyOS 4.0; ALN-AL80 Build/HUAWEIALN-AL80; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1169 MMWEBSDK/20230901 MicroMessenger/8.0.40.2420(0x28002853) NetType/WIFI Language/zh_CN ABI/arm64',
    'wechat',
    'android',
    false,
  ],
  [
    'UAL',
    'Huawei Browser on HarmonyOS 4.0 (no Android token)',
    'Mozilla/5.0 (Linux; HarmonyOS 4.0; ALN-AL10) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/15.0.4.302 Mobile Safari/537.36',
    'other',
    'android',
    false,
  ],
  [
    'OHD',
    'HarmonyOS NEXT phone (ArkWeb default UA)',
    'Mozilla/5.0 (Phone; OpenHarmony 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile',
    'other',
    'harmonyos',
    false,
  ],
  ['UAP-C', 'Baiduspider', 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)', 'other', 'other', true],
  [
    'UAP-C',
    'Baiduspider-render',
    'Mozilla/5.0 (compatible; Baiduspider-render/2.0; +http://www.baidu.com/search/spider.html)',
    'other',
    'other',
    true,
  ],
  [
    'UAP-C',
    'Bytespider',
    'Mozilla/5.0 (Linux; Android 8.0; Pixel 2 Build/OPD3.170816.012) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/56.0.1511.1269 Mobile Safari/537.36; Bytespider',
    'other',
    'android',
    true,
  ],
  ['UAP-C', 'Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'other', 'other', true],
  ['UAP-C', 'Facebook link preview', 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'other', 'other', true],
  [
    'UAP-C',
    'Bingbot',
    'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/',
    'other',
    'other',
    true,
  ],
  [
    'UAP-C',
    'Applebot',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 8_1 like Mac OS X) AppleWebKit/600.1.4 (KHTML, like Gecko) Version/8.0 Mobile/12B410 Safari/600.1.4 (Applebot/0.1;+http://www.apple.com/go/applebot)',
    'other',
    'ios',
    true,
  ],
  [
    'DDN',
    'Xiaomi browser (swan-mibrowser is not swan)',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/534.24 (KHTML, like Gecko) Chrome/89.0.4389.116 Safari/534.24 XiaoMi/MiuiBrowser/17.0.20 swan-mibrowser',
    'other',
    'desktop',
    false,
  ],
  [
    'WXDOC',
    'WeChat mini-program web-view (iOS)',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 13_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/7.0.15(0x17000f25) NetType/WIFI Language/zh_CN miniProgram',
    'wechat-miniprogram',
    'ios',
    false,
  ],
  [
    'WXDOC',
    'WeChat mini-program web-view (iOS, WeChat 8)',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 14_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.4(0x1800042c) NetType/4G Language/zh_CN miniProgram',
    'wechat-miniprogram',
    'ios',
    false,
  ],
  [
    'PUB',
    'WeChat 8 on Android (XWEB)',
    'Mozilla/5.0 (Linux; Android 13; 22081212C Build/TKQ1.220829.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230303 MMWEBID/6973 MicroMessenger/8.0.34.2340(0x2800225B) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
    'wechat',
    'android',
    false,
  ],
  ['WOU-R', 'Baiduspider', 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)', 'other', 'other', true],
  [
    'WOU-R',
    'Baiduspider-render on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 9_1 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Version/9.0 Mobile/13B143 Safari/601.1 (compatible; Baiduspider-render/2.0; +http://www.baidu.com/search/spider.html)',
    'other',
    'ios',
    true,
  ],
  ['WOU-R', 'Baiduspider-image', 'Baiduspider-image+(+http://www.baidu.com/search/spider.htm)', 'other', 'other', true],
  ['WOU-R', 'Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'other', 'other', true],
  [
    'WOU-R',
    'Shenma YisouSpider on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 10_3 like Mac OS X) AppleWebKit/602.1.50 (KHTML, like Gecko) CriOS/56.0.2924.75 Mobile/14E5239e YisouSpider/5.0 Safari/602.1',
    'other',
    'ios',
    true,
  ],
  ['WOU-R', 'Sogou web spider', 'Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)', 'other', 'other', true],
  [
    'WOU-R',
    '360Spider on Android',
    'Mozilla/5.0 (Linux; U; Android 4.0.2; en-us; Galaxy Nexus Build/ICL53F) AppleWebKit/534.30 (KHTML, like Gecko)Version/4.0 Mobile Safari/534.30; 360Spider',
    'other',
    'android',
    true,
  ],
  [
    'WOU-R',
    'HaosouSpider on Android (no "/version")',
    'Mozilla/5.0 (Linux; U; Android 4.0.2; en-us; Galaxy Nexus Build/ICL53F) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30; HaosouSpider',
    'other',
    'android',
    true,
  ],
  [
    'WOU-I',
    'QQ app on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 10_2_1 like Mac OS X) AppleWebKit/602.4.6 (KHTML, like Gecko) Mobile/14D27 QQ/6.7.1.416 V1_IPH_SQ_6.7.1_1_APP_A Pixel/750 Core/UIWebView NetType/4G QBWebViewType/1',
    'qq',
    'ios',
    false,
  ],
  [
    'WOU-I',
    'BlackBerry 10',
    'Mozilla/5.0 (BB10; Touch) AppleWebKit/537.10+ (KHTML, like Gecko) Version/10.0.9.2372 Mobile Safari/537.10+',
    'other',
    'other',
    false,
  ],
  [
    'WOU-I',
    'Windows Phone (not desktop Windows)',
    'Mozilla/5.0 (compatible; MSIE 9.0; Windows Phone OS 7.5; Trident/5.0; IEMobile/9.0; HTC; Titan)',
    'other',
    'other',
    false,
  ],
  [
    'UAP-B',
    'TikTok on Android (not Douyin)',
    'Mozilla/5.0 (Linux; Android 11; 21061119AG Build/RP1A.200720.011; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/92.0.4515.131 Mobile Safari/537.36 trill_2022109040 JsSdk/1.0 NetType/MOBILE Channel/googleplay AppName/musical_ly app_version/21.9.4 ByteLocale/ru-RU ByteFullLocale/ru-RU Region/KG BytedanceWebview/d8a21c6',
    'other',
    'android',
    false,
  ],
  [
    'UAP-B',
    'TikTok on iOS (not Douyin)',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 14_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_21.1.0 JsSdk/2.0 NetType/4G Channel/App Store ByteLocale/ru Region/RU ByteFullLocale/ru-RU isDarkMode/1 WKWebView/1 BytedanceWebview/d8a21c6',
    'other',
    'ios',
    false,
  ],
  [
    'UAP-B',
    'WeChat 4 for Windows (lower-case UA)',
    'mozilla/5.0 (windows nt 10.0; wow64) applewebkit/537.36 (khtml, like gecko) chrome/53.0.2785.116 safari/537.36 qbcore/4.0.1301.400 qqbrowser/9.0.2524.400 mozilla/5.0 (windows nt 6.1; wow64) applewebkit/537.36 (khtml, like gecko) chrome/81.0.4044.138 safari/537.36 nettype/wifi micromessenger/7.0.20.1781(0x6700143b) windowswechat',
    'wechat',
    'desktop',
    false,
  ],
  [
    'UAP-B',
    'WeGame (QBCore, not WeChat)',
    'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.124 Safari/537.36 qblink wegame.exe WeGame/5.1.1.11100 QBCore/3.70.107.400 QQBrowser/9.0.2524.400',
    'other',
    'desktop',
    false,
  ],
  [
    'UAP-B',
    'QQ app on iOS',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 10_0_2 like Mac OS X) AppleWebKit/602.1.50 (KHTML, like Gecko) Mobile/14A456 QQ/6.5.3.410 V1_IPH_SQ_6.5.3_1_APP_A Pixel/1080 Core/UIWebView NetType/WIFI Mem/26',
    'qq',
    'ios',
    false,
  ],
  [
    'UAP-B',
    'Alipay on Android (vivo)',
    'Mozilla/5.0 (Linux; U; Android 10; zh-CN; V2034A Build/QP1A.190711.020) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.22.2.33 Mobile Safari/537.36 UCBS/3.22.2.33_211025173018 NebulaSDK/1.8.100112 Nebula AlipayDefined(nt:WIFI,ws:360|0|2.0) AliApp(AP/10.2.51.7100) AlipayClient/10.2.51.7100 Language/zh-Hans useStatusBar/true isConcaveScreen/true Region/CNAriver/1.0.0',
    'alipay',
    'android',
    false,
  ],
  [
    'UAP-B',
    'Baidu app on iOS 12',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 12_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/16C101 main%2F1.0 baiduboxapp/11.12.0.18 (Baidu; P2 12.1.2)',
    'baidu',
    'ios',
    false,
  ],
  [
    'UAP-B',
    'Baidu Browser (bdbrowser is not the Baidu app)',
    'Mozilla/5.0 (Linux; Android 9; Redmi Note 5 Build/PKQ1.180904.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/110.0.5481.153 Mobile Safari/537.36 bdbrowser/6.4.0.4',
    'other',
    'android',
    false,
  ],
  [
    'UAP-B',
    'Chrome on ChromeOS',
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/111.0.0.0 Safari/537.36',
    'other',
    'desktop',
    false,
  ],
  [
    'SWAN',
    'Baidu smart-program web-view on Android',
    'Mozilla/5.0 (Linux; Android 7.0; EVA-DL00 Build/HUAWEIEVA-DL00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/55.0.2883.91 Mobile Safari/537.36 swan/2.2.0 swan-baiduboxapp/11.5.0.0 baiduboxapp/11.5.0.0 (Baidu; P1 7.0)',
    'baidu-swan',
    'android',
    false,
  ],
  [
    'SWAN',
    'Baidu smart-program web-view on iOS 11',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 11_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15F79 swan/2.2.0 swan-baiduboxapp/11.5.0.0 baiduboxapp/11.5.0.0 (Baidu; P2 11.4)',
    'baidu-swan',
    'ios',
    false,
  ],
  [
    'VSO',
    'Toutiao on iOS',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 14_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 NewsArticle/8.1.5.12 JsSdk/2.0 NetType/WIFI (News 8.1.5 14.100000)',
    'douyin',
    'ios',
    false,
  ],
  [
    'ZAX',
    'WeChat mini-program web-view on Android',
    'Mozilla/5.0 (Linux; Android 7.1.1; MI 6 Build/NMF26X; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/57.0.2987.132 MQQBrowser/6.2 TBS/043807 Mobile Safari/537.36 MicroMessenger/6.6.1.1220(0x26060135) NetType/4G Language/zh_CN miniProgram',
    'wechat-miniprogram',
    'android',
    false,
  ],
];

describe('detectEnv on real user agents', () => {
  it('has a real user agent for every host and OS the rule schema names (a new name needs a row)', () => {
    expect(new Set(ROWS.map((r) => r[3]))).toEqual(new Set(HostName.options));
    expect(new Set(ROWS.map((r) => r[4]))).toEqual(new Set(OsName.options));
  });

  it.each(ROWS)('[%s] %s', (_source, _label, ua, host, os, bot) => {
    const env = detectEnv({ userAgent: ua });
    expect({ host: env.host, os: env.os, bot: env.bot }).toEqual({ host, os, bot });
  });
});

describe('HarmonyOS', () => {
  const byLabel = (label: string) => ROWS.find((r) => r[1] === label)![2];
  it('reports HarmonyOS 2–4 as android with harmony: true, and NEXT as harmonyos with harmony: true', () => {
    for (const label of [
      'Huawei browser on HarmonyOS',
      'Baidu app on HarmonyOS 2',
      'Opera on HarmonyOS 3',
      'WeChat on HarmonyOS 4.0 (Mate 60 Pro)',
      'Huawei Browser on HarmonyOS 4.0 (no Android token)',
    ])
      expect(detectEnv({ userAgent: byLabel(label) }), label).toMatchObject({ os: 'android', harmony: true });
    for (const label of ['HarmonyOS NEXT phone (ArkWeb default UA)', 'HarmonyOS 5 PC (ArkWeb)'])
      expect(detectEnv({ userAgent: byLabel(label) }), label).toMatchObject({ os: 'harmonyos', harmony: true });
    expect(detectEnv({ userAgent: byLabel('Samsung browser') }).harmony).toBeUndefined();
  });

  it('a rule `os in [android]` matches HarmonyOS 3, and `os in [harmonyos]` only NEXT', () => {
    const h5 = (url: string) => ({ type: 'target', target: { kind: 'h5', url } });
    const link = compiledLink(
      LinkDefinition.parse({
        slug: 'harmony',
        rules: [
          { id: 'android', conditions: [{ field: 'os', op: 'in', values: ['android'] }], action: h5('/a') },
          { id: 'next', conditions: [{ field: 'os', op: 'in', values: ['harmonyos'] }], action: h5('/n') },
        ],
        default: h5('/d'),
      }),
    );
    const rule = (label: string) => evaluateLink(link, { env: detectEnv({ userAgent: byLabel(label) }), visitorId: 'v' }).ruleId;
    expect(rule('Opera on HarmonyOS 3')).toBe('android');
    expect(rule('HarmonyOS NEXT phone (ArkWeb default UA)')).toBe('next');
  });
});

describe('detectEnv on request facts', () => {
  it('reads language, geography, referrer and query', () => {
    const env = detectEnv({
      userAgent: ROWS[2][2],
      acceptLanguage: 'zh-CN,zh;q=0.9,en;q=0.8',
      referrer: 'https://m.baidu.com/s?word=tea',
      url: 'https://edge.example/r/spring?utm_source=baidu&utm_source=dup&ref=v_1',
      cf: { country: 'CN', region: 'Zhejiang', city: 'Hangzhou' },
    });
    expect(env).toEqual({
      host: 'wechat',
      os: 'ios',
      bot: false,
      language: 'zh-cn',
      country: 'CN',
      region: 'Zhejiang',
      city: 'Hangzhou',
      referrer: 'https://m.baidu.com/s?word=tea',
      referrerHost: 'm.baidu.com',
      query: { utm_source: 'baidu', ref: 'v_1' },
    });
  });

  it('survives missing or malformed input', () => {
    expect(detectEnv({})).toEqual({ host: 'other', os: 'other', bot: false, query: {} });
    expect(detectEnv({ referrer: 'not a url', url: '::' }).referrerHost).toBeUndefined();
  });

  it('reads only the first UA_MAX characters of a (possibly hostile) user agent', () => {
    // workerd freezes clocks during synchronous code, so bound the input rather than time it.
    expect(detectEnv({ userAgent: `${'a'.repeat(UA_MAX)} Googlebot/2.1` }).bot).toBe(false);
    expect(detectEnv({ userAgent: `${'a'.repeat(UA_MAX - 20)} Googlebot/2.1` }).bot).toBe(true);
  });

  it('does not take device names for bots', () => {
    expect(
      detectEnv({
        userAgent:
          'Mozilla/5.0 (Linux; Android 10; CUBOT X30 Build/QP1A.190711.020) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0 Mobile Safari/537.36',
      }).bot,
    ).toBe(false);
  });
});
