/**
 * Served at /r/_/copy.js (no inline script, so the WeChat hint page keeps a strict CSP): shows the copy
 * button beside #ep-short and copies its text (a `#小程序://…` Short Link) — Clipboard API where the web-view
 * has it, else the selection and `execCommand('copy')`; the field stays selectable by hand without script.
 */
export const COPY_SCRIPT = `(function(){var b=document.getElementById('ep-copy'),i=document.getElementById('ep-short');if(!b||!i)return;b.hidden=false;
function done(){b.textContent=b.getAttribute('data-copied');}
function legacy(){i.focus();i.select();i.setSelectionRange(0,i.value.length);try{if(document.execCommand('copy'))done();}catch(e){}}
b.addEventListener('click',function(){if(navigator.clipboard&&navigator.clipboard.writeText)navigator.clipboard.writeText(i.value).then(done,legacy);else legacy();});})();`;
