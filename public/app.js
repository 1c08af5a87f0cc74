// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/build/govuk-frontend.min.js';

initAll();

// Draft timeout warning: shown 10 minutes before unfinished answers are deleted (the notice is on the page anyway).
for (const el of document.querySelectorAll('[data-module="app-timeout-warning"]')) {
  const expiresAt = Date.parse(el.getAttribute('data-expires-at') || '');
  if (!Number.isFinite(expiresAt)) continue;
  const showIn = expiresAt - Date.now() - 10 * 60 * 1000;
  const show = () => {
    el.hidden = false;
    const button = el.querySelector('button');
    if (button) button.focus();
  };
  if (showIn <= 0) show();
  else if (showIn < 2 ** 31 - 1) setTimeout(show, showIn);
}
