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

// govuk-frontend marks a radio that reveals a follow-up question with aria-expanded. ARIA does not allow that attribute
// on a radio (WCAG 4.1.2, axe's aria-allowed-attr), so we take it off, after start-up and after every change; the
// revealed question is still tied to its radio by aria-controls and follows it in the reading order.
const stripExpanded = () => {
  for (const input of document.querySelectorAll('.govuk-radios__input[aria-expanded]')) {
    input.removeAttribute('aria-expanded');
  }
};
stripExpanded();
document.addEventListener('click', stripExpanded);
document.addEventListener('change', stripExpanded);
window.addEventListener('pageshow', stripExpanded); // govuk-frontend syncs the radios again on pageshow
