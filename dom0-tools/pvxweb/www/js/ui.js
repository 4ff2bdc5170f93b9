// Small page helpers: errors shown as the CLI words them, the confirmation
// dialog, number formatting.

export function showError(message) {
  const list = document.getElementById('errors');
  const li = document.createElement('li');
  const text = document.createElement('span');
  const close = document.createElement('button');
  text.textContent = message;
  close.textContent = '\u00d7';
  close.title = 'Dismiss';
  close.className = 'small';
  close.addEventListener('click', () => li.remove());
  li.append(text, close);
  list.prepend(li);
  while (list.children.length > 5) list.lastChild.remove();
}

// Resolves true when the user confirms.
export function confirmAction(text, okLabel) {
  const dlg = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = okLabel;
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => resolve(dlg.returnValue === 'ok'), { once: true });
    dlg.returnValue = 'cancel';
    dlg.showModal();
  });
}

export function fmtRate(bytesPerSec) {
  if (bytesPerSec === null || bytesPerSec === undefined) return '-';
  const units = ['B/s', 'KiB/s', 'MiB/s', 'GiB/s'];
  let v = bytesPerSec;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v < 10 && i ? 1 : 0)} ${units[i]}`;
}

export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  for (const c of children) e.append(c);
  return e;
}
