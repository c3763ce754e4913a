/**
 * Widget CSS, applied with a constructable stylesheet (adoptedStyleSheets): allowed under a strict
 * CSP without 'unsafe-inline'. Theme with custom properties (--edgepick-*) and ::part().
 * `.ep-r+.ep-r`: a second label on a card (social proof under a reason) sits one label lower —
 * 2.7em of its .75em font ≈ 8px + its 1.6em height + a 4px gap at a 16px base font.
 */
export const CSS = `
.ep{--_a:var(--edgepick-accent,#e4393c);--_r:var(--edgepick-radius,10px);--_g:var(--edgepick-gap,12px);--_w:var(--edgepick-card-width,160px);font-family:var(--edgepick-font,inherit);color:var(--edgepick-color,inherit);display:block}
.ep-h{font-size:1.05em;font-weight:600;margin:0 0 8px}
.ep-list{display:grid;grid-template-columns:repeat(auto-fill,minmax(var(--_w),1fr));gap:var(--_g);list-style:none;margin:0;padding:0}
.ep-car .ep-list{display:flex;overflow-x:auto;scroll-snap-type:x mandatory;scroll-behavior:smooth}
.ep-car .ep-list>li{flex:0 0 var(--_w);scroll-snap-align:start}
.ep-card{display:block;position:relative;text-decoration:none;color:inherit;border-radius:var(--_r);background:var(--edgepick-card-bg,#fff);box-shadow:0 1px 3px #0002;overflow:hidden;height:100%}
.ep-cw{position:relative;height:100%}
.ep-s{position:absolute;top:8px;right:8px;font:inherit;font-size:.75em;line-height:1.6;padding:0 8px;border:0;border-radius:9px;background:#fffe;color:var(--_a);cursor:pointer}
.ep-s:focus-visible{outline:2px solid var(--_a);outline-offset:2px}
.ep-r{position:absolute;top:8px;left:8px;max-width:calc(100% - 16px);overflow:hidden;white-space:nowrap;text-overflow:ellipsis;font-size:.75em;line-height:1.6;padding:0 6px;border-radius:9px;background:#000a;color:#fff}
.ep-r+.ep-r{top:2.7em}
.ep-card:focus-visible{outline:2px solid var(--_a);outline-offset:2px}
.ep-img{display:block;width:100%;height:auto;aspect-ratio:1;object-fit:cover;background:#f2f2f2}
.ep-t{font-size:.9em;line-height:1.3em;height:2.6em;overflow:hidden;margin:8px 8px 4px}
.ep-p{color:var(--_a);font-weight:600;height:1.4em;margin:0 8px 10px}
.ep-sk .ep-img,.ep-sk .ep-t,.ep-sk .ep-p{background:#eee;border-radius:4px;color:transparent}
.ep-nav{display:flex;gap:8px;justify-content:flex-end;margin-bottom:6px}
.ep-nav button{font:inherit;color:var(--edgepick-color,#333);border:1px solid #ccc;background:#fff;border-radius:999px;width:2.2em;height:2.2em;cursor:pointer}
.ep-nav button:focus-visible{outline:2px solid var(--_a)}
`;

let sheet: CSSStyleSheet | undefined;
const styled = new WeakSet<Document | ShadowRoot>();

/**
 * Adds the widget stylesheet to a document or shadow root once. Browsers without constructable
 * stylesheets (Safari < 16.4) get a `<style>` element instead, which a strict CSP blocks.
 */
export function adoptStyles(root: Document | ShadowRoot) {
  if (styled.has(root)) return;
  styled.add(root);
  if (typeof CSSStyleSheet !== 'undefined' && 'adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype) {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    }
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = CSS;
    (root === document ? document.head : root).append(style);
  }
}
