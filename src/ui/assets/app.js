// Progressive enhancement only: every page works without this file.
// Elements opt in with data attributes, so features need no page-specific scripts here.
(() => {
  // <button data-copy="#id">: copy the text of a snippet field.
  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-copy]');
    if (!button) return;
    const source = document.querySelector(button.getAttribute('data-copy'));
    if (!source) return;
    navigator.clipboard?.writeText(source.value ?? source.textContent).then(() => {
      const label = button.textContent;
      button.textContent = 'Copied';
      setTimeout(() => {
        button.textContent = label;
      }, 1500);
    });
  });

  // <button data-add-block="#template" data-add-to="#list" data-add-max="n">: an "add another"
  // submit done in place. The <template> holds one block with "__i__" for its index (0-based)
  // and "__n__" for its number; the server still answers the submit when this script is absent.
  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-add-block]');
    if (!button) return;
    const template = document.querySelector(button.getAttribute('data-add-block'));
    const list = document.querySelector(button.getAttribute('data-add-to'));
    if (!template || !list) return;
    event.preventDefault();
    const index = list.children.length;
    const html = template.innerHTML.replaceAll('__i__', String(index)).replaceAll('__n__', String(index + 1));
    list.insertAdjacentHTML('beforeend', html);
    list.lastElementChild?.querySelector('input, select, textarea')?.focus();
    if (list.children.length >= Number(button.getAttribute('data-add-max') || Infinity)) button.hidden = true;
  });

  // <form data-confirm="sentence">: ask before a destructive action.
  document.addEventListener('submit', (event) => {
    const message = event.target.getAttribute?.('data-confirm');
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // <progress data-poll="/url.json">: refresh a job's progress until it is done.
  for (const bar of document.querySelectorAll('progress[data-poll]')) {
    const label = document.querySelector(bar.getAttribute('data-label') || '#none');
    const tick = async () => {
      try {
        const res = await fetch(bar.getAttribute('data-poll'), { headers: { accept: 'application/json' } });
        const data = await res.json();
        bar.max = data.total || 1;
        bar.value = data.done || 0;
        if (label) label.textContent = data.message || `${data.done} of ${data.total}`;
        // <li data-tally="issued">Issued: 0</li>: the trailing number follows the same poll.
        for (const tally of document.querySelectorAll('[data-tally]')) {
          const value = data[tally.getAttribute('data-tally')];
          if (typeof value === 'number')
            tally.textContent = tally.textContent.replace(/\d+\s*$/, String(value));
        }
        if (data.finished) {
          if (bar.hasAttribute('data-reload')) location.reload();
          return;
        }
      } catch {}
      setTimeout(tick, 1000);
    };
    tick();
  }

  // <iframe data-fit-content>: as tall as its (same-origin) content, so nothing is clipped.
  for (const frame of document.querySelectorAll('iframe[data-fit-content]')) {
    const fitToContent = () => {
      const root = frame.contentDocument?.documentElement;
      if (root) frame.style.height = `${root.scrollHeight + 2}px`;
    };
    frame.addEventListener('load', fitToContent);
    fitToContent();
  }

  // Fields with data-preview-target re-render a live preview (e.g. the badge designer).
  for (const form of document.querySelectorAll('form[data-preview-url]')) {
    const img = document.querySelector(form.getAttribute('data-preview-target'));
    if (!img) continue;
    let timer;
    const update = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const params = new URLSearchParams(new FormData(form));
        params.delete('_csrf');
        params.delete('image');
        img.src = `${form.getAttribute('data-preview-url')}?${params}`;
      }, 200);
    };
    form.addEventListener('input', update);
    form.addEventListener('change', update);
  }
})();
