// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/build/govuk-frontend.min.js';

initAll();

// Timeout warnings: shown some minutes before unfinished answers are deleted, or before a staff session's idle limit
// (10 minutes unless the element says otherwise; the limit is stated on the page anyway).
for (const el of document.querySelectorAll('[data-module="app-timeout-warning"]')) {
  const expiresAt = Date.parse(el.getAttribute('data-expires-at') || '');
  if (!Number.isFinite(expiresAt)) continue;
  const warnMinutes = Number(el.getAttribute('data-warn-minutes') || '10');
  const showIn = expiresAt - Date.now() - warnMinutes * 60 * 1000;
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

// "Hide screen" on staff pages: without JavaScript the link opens a plain page; with it, the window is covered at once
// and the same page returns with one click or Escape.
for (const link of document.querySelectorAll('[data-module="app-hide-screen"]')) {
  const cover = document.createElement('div');
  cover.className = 'app-screen-cover';
  cover.hidden = true;
  const show = document.createElement('button');
  show.type = 'button';
  show.className = 'govuk-button';
  show.textContent = 'Show the page again';
  cover.appendChild(show);
  document.body.appendChild(cover);
  const hide = (hidden) => {
    cover.hidden = !hidden;
    for (const child of document.body.children) {
      if (child !== cover) child.toggleAttribute('inert', hidden);
    }
    if (hidden) show.focus();
    else link.focus();
  };
  link.addEventListener('click', (event) => {
    event.preventDefault();
    hide(true);
  });
  show.addEventListener('click', () => hide(false));
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !cover.hidden) hide(false);
  });
}
