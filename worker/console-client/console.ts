// The console's progressive enhancement (worker/src/console): loaded with `defer` on every page.
// Pages work without it as plain forms; this adds confirmations, copy buttons and the rule editor.
import { mountEditor } from './editor.js';

/**
 * `<form data-confirm="…">`: ask before submitting (rollbacks, revocations). Once the dialog is
 * accepted the form sends `confirm=yes`, so the server skips the confirmation page it answers to a
 * first POST from a browser without script (asked once, not twice).
 */
function confirmations() {
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-confirm]'))
    form.addEventListener('submit', (e) => {
      if (!window.confirm(form.dataset.confirm ?? '')) return e.preventDefault();
      let field = form.querySelector<HTMLInputElement>('input[name="confirm"]');
      if (!field) {
        field = document.createElement('input');
        field.type = 'hidden';
        field.name = 'confirm';
        form.append(field);
      }
      field.value = 'yes';
    });
}

/** `<button data-copy="#id">`: copies the target's text or value. */
function copyButtons() {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      const el = document.querySelector<HTMLInputElement>(button.dataset.copy ?? '');
      if (!el) return;
      const text = el.value ?? el.textContent ?? '';
      try {
        await navigator.clipboard.writeText(text);
      } catch {
        el.select?.();
        document.execCommand('copy');
      }
      const label = button.textContent;
      button.textContent = button.dataset.copied ?? '✓';
      setTimeout(() => (button.textContent = label), 1500);
    });
  }
}

/** The new-link form: show only the fields the chosen target type uses (all are shown without script). */
function targetKindFields() {
  const kind = document.querySelector<HTMLSelectElement>('form #kind');
  if (!kind) return;
  const uses: Record<string, string[]> = {
    h5: ['url'],
    qr: ['url'],
    'wechat-miniprogram': ['appId', 'path'],
    'baidu-swan': ['appKey', 'path', 'fallbackUrl'],
  };
  const all = ['url', 'appId', 'appKey', 'path', 'fallbackUrl'];
  const apply = () => {
    for (const id of all) {
      const box = document.getElementById(id)?.parentElement;
      if (box) box.hidden = !(uses[kind.value] ?? all).includes(id);
    }
  };
  kind.addEventListener('change', apply);
  apply();
}

export const enhancers: (() => void)[] = [targetKindFields, confirmations, copyButtons, mountEditor];

document.addEventListener('DOMContentLoaded', () => {
  for (const enhance of enhancers) enhance();
});
