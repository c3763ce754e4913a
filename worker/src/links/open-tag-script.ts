/**
 * Served at /r/_/open-tag.js (no inline script, so the page keeps a strict CSP): reads the signed
 * config from #ep-wx's data attributes and enables <wx-open-launch-weapp> via the JS-SDK.
 */
export const OPEN_TAG_SCRIPT = `(function(){var d=document.getElementById('ep-wx');if(!d||!window.wx)return;
wx.config({debug:false,appId:d.dataset.appId,timestamp:Number(d.dataset.timestamp),nonceStr:d.dataset.nonceStr,signature:d.dataset.signature,jsApiList:['checkJsApi'],openTagList:['wx-open-launch-weapp']});
wx.error(function(){var h=document.getElementById('ep-hint');if(h)h.hidden=false;});})();`;
