// The Control Room's only script: refreshes each panel in place. Without it the page still works (reload to refresh;
// every action is a plain form POST). A panel is skipped while the keyboard focus or an open disclosure is inside it,
// so refreshing never moves an operator's focus or closes what they are reading.
(() => {
  'use strict';
  const body = document.body;
  const base = body.dataset.base || '';
  const interval = Math.max(1000, Number(body.dataset.refreshMs) || 5000);

  const busy = (section) => section.contains(document.activeElement) || section.querySelector('details[open]') !== null;

  async function refresh(section) {
    if (busy(section)) {
      return;
    }
    try {
      const response = await fetch(`${base}/panels/${encodeURIComponent(section.dataset.panel)}`, {
        credentials: 'same-origin',
        headers: { Accept: 'text/html' },
      });
      if (!response.ok) {
        section.dataset.stale = 'true';
        return;
      }
      const html = await response.text();
      if (busy(section)) {
        return;
      }
      // Server-rendered by the panel with every text encoded, from this origin only (CSP connect-src 'self').
      section.querySelector('.panel-body').innerHTML = html;
      delete section.dataset.stale;
      section.dataset.refreshed = String(Date.now());
    } catch {
      section.dataset.stale = 'true';
    }
  }

  setInterval(() => {
    if (!document.hidden) {
      document.querySelectorAll('section[data-panel]').forEach(refresh);
    }
  }, interval);
})();
