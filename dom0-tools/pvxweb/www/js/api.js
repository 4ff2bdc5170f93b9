// The API client: the access token (from the URL `pvx web` prints, kept for this
// tab only), JSON requests that turn errors into the CLI's words, WebSocket URLs.

const KEY = 'pvx-token';

function takeToken() {
  const hash = new URLSearchParams(location.hash.slice(1));
  const query = new URLSearchParams(location.search);
  const t = hash.get('token') || query.get('token');
  if (t) {
    sessionStorage.setItem(KEY, t);
    // keep it out of the address bar, the history and any screenshot
    history.replaceState(null, '', location.pathname);
  }
  return sessionStorage.getItem(KEY) || '';
}

export const token = takeToken();

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// method, path under /api/v1/, optional body object. Resolves to the reply object.
export async function api(method, path, body) {
  const init = { method, headers: { Authorization: `Bearer ${token}` } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  let r;
  try {
    r = await fetch(`/api/v1/${path}`, init);
  } catch (e) {
    throw new ApiError(0, 'no-daemon', `pvx: cannot reach pvxweb: ${e.message}`);
  }
  let reply = null;
  try {
    reply = await r.json();
  } catch (e) {
    throw new ApiError(r.status, 'bad-reply', `pvx: pvxweb answered ${r.status} without JSON`);
  }
  if (!r.ok) {
    const e = reply && reply.error ? reply.error : {};
    throw new ApiError(r.status, e.code || 'failed', e.message || `pvx: HTTP ${r.status}`);
  }
  return reply;
}

export function wsUrl(path) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/v1/${path}?token=${encodeURIComponent(token)}`;
}
