#!/usr/bin/python3
"""The pvxweb API against real guests (run by t_web_api.sh): every route, the
WebSocket streams, and bad input of every kind -- bad tokens, bad bodies, bad
paths, unknown domains -- each answered with a clear JSON error while the daemon
keeps serving. Prints one "ok:" line per check; exits 1 at the first failure.

env: WEB_URL (http://ADDR:PORT), WEB_TOKEN, WEB_SOCK (the Unix socket), PVX,
KERNEL, DISK (the image wb has as xvda), GUEST_A, GUEST_B (running shell guests;
B has the disk and a vif), H2 and HOST2 (a second host's run directory and the
command that reaches it as ssh would: tests/tools/host2.sh)."""
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse

import websocket  # Debian's python3-websocket

URL = os.environ['WEB_URL']
TOKEN = os.environ['WEB_TOKEN']
SOCK = os.environ['WEB_SOCK']
PVX = os.environ['PVX']
A, B = os.environ['GUEST_A'], os.environ['GUEST_B']
H2, HOST2 = os.environ['H2'], os.environ['HOST2']  # the second host, its ssh
HOSTPORT = urllib.parse.urlparse(URL).netloc
DEADLINE = 30  # seconds: the machine is shared, so states are waited for


def fail(msg):
    print(f'FAIL: {msg}', file=sys.stderr)
    sys.exit(1)


def ok(msg):
    print(f'ok: {msg}', flush=True)


class UnixHTTP(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(SOCK)


def call(method, path, body=None, token=TOKEN, raw=None, unix=False, headers=None):
    """One request; returns (status, parsed JSON reply)."""
    conn = UnixHTTP('localhost') if unix else http.client.HTTPConnection(HOSTPORT, timeout=20)
    hdrs = dict(headers or {})
    if token is not None:
        hdrs['Authorization'] = f'Bearer {token}'
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    conn.request(method, path, body=data, headers=hdrs)
    r = conn.getresponse()
    text = r.read()
    conn.close()
    try:
        return r.status, json.loads(text)
    except ValueError:
        fail(f'{method} {path}: {r.status} is not JSON: {text[:200]!r}')


def api(method, route, body=None, **kw):
    return call(method, f'/api/v1/{route}', body, **kw)


def expect(method, route, status, code=None, body=None, words=None, **kw):
    """A request that must answer status (and for errors: code, words in the message)."""
    st, reply = api(method, route, body, **kw)
    if st != status:
        fail(f'{method} {route}: status {st}, wanted {status}: {reply}')
    if status >= 400:
        err = reply.get('error', {})
        if err.get('status') != status or (code and err.get('code') != code):
            fail(f'{method} {route}: error object {err}, wanted code {code}')
        msg = err.get('message', '')
        if not msg.startswith('pvx: ') or any(w not in msg for w in (words or [])):
            fail(f'{method} {route}: message {msg!r} lacks {words}')
    return reply


def wait_until(what, pred):
    end = time.time() + DEADLINE
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    fail(f'timed out waiting for {what}')


def domain(name):
    st, reply = api('GET', f'domains/{name}')
    return reply['domain'] if st == 200 else None


def check_host():
    h = expect('GET', 'host', 200)
    if h['nr_cpus'] < 1 or not h['xen_version']:
        fail(f'host: {h}')
    web = [d for d in h['daemons'] if d['name'] == 'pvxweb']
    if not web or not web[0]['running']:
        fail(f'host daemons: {h["daemons"]}')
    ok(f'GET host: {h["nr_cpus"]} CPUs, pvisor {h["xen_version"]}, pvxweb listed running')


def check_listing():
    ds = expect('GET', 'domains', 200)['domains']
    names = {d['name']: d for d in ds}
    for g in (A, B):
        if g not in names or names[g]['state'] not in ('running', 'blocked'):
            fail(f'GET domains: {g} missing or not running: {ds}')
    a = expect('GET', f'domains/{A}', 200)
    by_id = expect('GET', f'domains/{a["domain"]["domid"]}', 200)
    if by_id['domain']['name'] != A or a['config']['c_info']['name'] != A:
        fail(f'GET domains/{A}: {a}')
    if 'app=shell' not in a['config']['b_info'].get('cmdline', ''):
        fail(f'GET domains/{A}: config without the cmdline: {a["config"]}')
    ok(f'GET domains lists {A} and {B}; GET domains/NAME and /ID agree; config as xl list -l')


def check_devices():
    dev = expect('GET', f'domains/{B}/devices', 200)
    vbd = [v for v in dev['vbd'] if v['dev'] == 'xvda']
    if not vbd or vbd[0]['params'] != os.environ['DISK'] or vbd[0]['backend_state'] != '4':
        fail(f'devices of {B}: vbd {dev["vbd"]}')
    if not dev['vif'] or not dev['vif'][0]['mac'] or dev['vif'][0]['backend_state'] != '4':
        fail(f'devices of {B}: vif {dev["vif"]}')
    ctr = vbd[0]['counters']
    if not ctr or ctr.get('rd_reqs', 0) < 1 or ctr.get('rd_bytes', 0) < 512:
        fail(f'devices of {B}: xvda counters {ctr}')
    ok(f'GET domains/{B}/devices: xvda connected ({ctr["rd_reqs"]} reads, '
       f'{ctr["rd_bytes"]} bytes) and a vif ({dev["vif"][0]["mac"]})')


def check_counters():
    c = expect('GET', f'domains/{B}/counters', 200)
    hv = c['hypervisor']
    if hv['hypercalls'] < 10 or not hv['hypercalls_by_name'].get('event_channel_op') \
            or hv['events_received'] < 1 or hv['blocks'] < 1:
        fail(f'counters of {B}: {c}')
    if sum(hv['hypercalls_by_name'].values()) != hv['hypercalls']:
        fail(f'counters of {B}: by name does not add up: {hv}')
    if c['devices'].get('rd_bytes', 0) < 512:
        fail(f'counters of {B}: devices {c["devices"]}')
    expect('GET', 'domains/nosuch/counters', 404, 'no-such-domain')
    ok(f'GET domains/{B}/counters: {hv["hypercalls"]} hypercalls, {hv["events_received"]} events '
       f'received, {hv["blocks"]} blocks; its disk\'s counters')


def check_pause():
    expect('POST', f'domains/{A}/pause', 200, body={})
    d = wait_until(f'{A} paused', lambda: (x := domain(A)) and x['state'] == 'paused' and x)
    if d['letters'] != '--p---':
        fail(f'paused {A}: letters {d["letters"]}')
    out = subprocess.run([PVX, 'list', A], capture_output=True, text=True).stdout
    if '--p---' not in out:
        fail(f'pvx list does not show the pause: {out}')
    expect('POST', f'domains/{A}/unpause', 200)
    wait_until(f'{A} running', lambda: (x := domain(A)) and x['state'] in ('running', 'blocked'))
    ok(f'POST pause / unpause {A}: --p--- in the API and in pvx list, then running')


def check_create():
    ts = expect('GET', 'templates', 200)
    if 'hello' not in ts['templates']:
        fail(f'templates: {ts}')
    r = expect('POST', 'domains', 201, body={'template': 'hello',
                                             'overrides': ['name=wc', 'cmdline="app=spin"']})
    if r['name'] != 'wc' or r['paused']:
        fail(f'create from template: {r}')
    wait_until('wc running', lambda: (x := domain('wc')) and x['state'] in ('running', 'blocked'))
    expect('POST', 'domains', 409, 'create-failed',
           body={'template': 'hello', 'overrides': ['name=wc']}, words=['already exists'])
    cfg = f'name = "wd"\nkernel = "{os.environ["KERNEL"]}"\nmemory = 16\ncmdline = "app=shell"\n'
    r = expect('POST', 'domains', 201, body={'config': cfg, 'paused': True})
    d = wait_until('wd', lambda: domain('wd'))
    if d['state'] not in ('paused', 'created') or r['domid'] != d['domid']:
        fail(f'create paused from config: {r} {d}')
    expect('POST', 'domains/wd/unpause', 200)
    wait_until('wd running', lambda: (x := domain('wd')) and x['state'] in ('running', 'blocked'))
    ok('POST domains from a template (+ overrides) and from config text (paused); '
       'a second "wc" is refused (409)')


def console_has(name, text):
    try:
        with open(os.path.join(os.environ['PVISOR_RUNDIR'], 'console', f'{name}.log'), 'rb') as f:
            return text.encode() in f.read()
    except OSError:
        return False


def check_shutdown_reboot_destroy():
    wait_until('wd\'s prompt', lambda: console_has('wd', 'pvk>'))  # its PV control is up
    old = domain('wd')['domid']
    expect('POST', 'domains/wd/reboot', 200)
    wait_until('wd back with a new id',
               lambda: (x := domain('wd')) and x['domid'] != old and x['state'] in ('running', 'blocked'))
    ok('POST reboot wd: the guest rebooted (on_reboot=restart: a new domain id)')
    r = expect('POST', 'domains/wd/shutdown', 200)
    if r['result'] != 'requested':
        fail(f'shutdown: {r}')
    wait_until('wd gone after shutdown', lambda: api('GET', 'domains/wd')[0] == 404)
    ok('POST shutdown wd: the guest powered off and was destroyed (on_poweroff=destroy)')
    expect('POST', 'domains/wc/destroy', 200)
    wait_until('wc gone after destroy', lambda: api('GET', 'domains/wc')[0] == 404)
    expect('GET', 'domains/wc', 404, 'no-such-domain', words=['wc: no such domain'])
    ok('POST destroy wc: dying, then gone')


def check_save_restore():
    img = os.path.join(os.environ['PVISOR_RUNDIR'], 'wa.img')
    r = expect('POST', f'domains/{A}/save', 200, body={'file': img, 'checkpoint': True})
    if r['result'] != 'saved, running' or r['pages'] < 1 or not os.path.getsize(img):
        fail(f'checkpoint save of {A}: {r}')
    r = expect('POST', 'domains/restore', 201, body={'file': img, 'overrides': ['name=wr']})
    d = wait_until('wr running', lambda: (x := domain('wr')) and x['state'] in ('running', 'blocked') and x)
    if d['domid'] != r['domid'] or domain(A)['state'] not in ('running', 'blocked'):
        fail(f'restore: {r} {d} {domain(A)}')
    ok(f'POST domains/{A}/save (checkpoint: {A} runs on) and POST domains/restore as wr '
       f'({r["pages"]} pages)')
    expect('POST', 'domains/restore', 409, 'restore-failed', body={'file': img,
           'overrides': ['name=wr']}, words=['wr'])
    expect('POST', 'domains/restore', 404, 'bad-file', body={'file': img + '.none'})
    expect('POST', 'domains/restore', 400, 'restore-failed', body={'file': '/etc/hostname'})
    expect('POST', f'domains/{A}/save', 400, 'bad-body', body={'file': 'relative.img'},
           words=['absolute path'])
    expect('POST', f'domains/{A}/save', 400, 'bad-body', body={'path': '/tmp/x'},
           words=['unknown key "path"', 'file'])
    expect('POST', 'domains/nosuch/save', 404, 'no-such-domain', body={'file': img})
    ok('save and restore refuse a name in use (409), a missing file (404), a file that is '
       'no image and a relative path (400)')


def on_host2(*args):
    """pvx on the second host (its run directory, reached through host2.sh)."""
    return subprocess.run([HOST2, H2, 'pvx', *args], capture_output=True, text=True)


def check_migrate():
    """wr (restored above) moves to the second host; refusals leave guests alone."""
    r = expect('POST', 'domains/wr/migrate', 200, body={'host': H2, 'ssh': HOST2})
    if r['result'] != 'migrated' or r['rounds'] < 2 or r['bytes'] < 4096 * r['pages'][0] \
            or r['downtime_ms'] <= 0 or r['pages'][0] < 1:
        fail(f'migrate wr: {r}')
    wait_until('wr gone from this host', lambda: api('GET', 'domains/wr')[0] == 404)
    there = on_host2('list', 'wr')
    if there.returncode != 0 or 'wr' not in there.stdout:
        fail(f'wr is not on the second host: {there.stdout} {there.stderr}')
    ok(f'POST domains/wr/migrate: on the second host after {r["rounds"]} rounds '
       f'({r["pages"]} pages, downtime {r["downtime_ms"]:.1f} ms), gone from this one')
    on_host2('destroy', 'wr')
    r = expect('POST', f'domains/{A}/migrate', 500, 'migrate-failed',
               body={'host': H2 + '/none', 'ssh': HOST2}, words=[A, 'runs on here'])
    if domain(A)['state'] not in ('running', 'blocked'):
        fail(f'{A} after a failed migration: {domain(A)}')
    for body, words in (({'host': '-oProxyCommand=x'}, ['"host"']),
                        ({'host': 'h2 ; reboot'}, ['"host"']),
                        ({'ssh': 'ssh'}, ['"host"']),
                        ({'host': 'h2', 'live': False}, ['always live']),
                        ({'host': 'h2', 'ssh': 'ssh\nreboot'}, ['"ssh"']),
                        ({'host': 'h2', 'rounds': 3}, ['unknown key "rounds"'])):
        expect('POST', f'domains/{A}/migrate', 400, 'bad-body', body=body, words=words)
    expect('POST', 'domains/nosuch/migrate', 404, 'no-such-domain', body={'host': H2})
    ok(f'migrate to a host that is not there: 500 and {A} runs on here; a host that is '
       'an option or two words, live=false, a two-line ssh, unknown keys: 400')


BAD_BODIES = [
    (b'{"force": tru', 'not valid JSON'),
    (b'[1, 2]', 'must be a JSON object'),
    (b'{"force": "yes"}', '"force" must be true or false'),
    (b'{"force": true, "please": 1}', 'unknown key "please"'),
    (b'{"a": "\x00"}', 'NUL'),
]


def check_bad_requests():
    for tok, what in ((None, 'no token'), ('0' * 32, 'a wrong token'), (TOKEN[:-1], 'a short token')):
        expect('GET', 'domains', 401, 'bad-token', token=tok, words=['access token'])
        expect('POST', f'domains/{A}/destroy', 401, 'bad-token', token=tok)
    expect('GET', 'domains', 401, 'bad-token', token=None, headers={'Authorization': f'Basic {TOKEN}'})
    if not domain(A) or domain(A)['state'] not in ('running', 'blocked'):
        fail(f'{A} was touched by requests without the token: {domain(A)}')
    ok('no token, a wrong one, a short one, the wrong scheme: 401 bad-token; nothing done')
    expect('GET', 'domains/nosuch', 404, 'no-such-domain', words=['nosuch: no such domain'])
    expect('POST', 'domains/nosuch/pause', 404, 'no-such-domain')
    expect('GET', 'domains/99999/devices', 404, 'no-such-domain')
    expect('GET', 'nothing', 404, 'no-such-route')
    expect('GET', f'domains/{A}/pause', 405, 'method-not-allowed', words=['use POST'])
    expect('PUT', 'domains', 405, 'method-not-allowed')
    expect('GET', 'domains/a%20b', 400, 'bad-path')
    expect('GET', 'domains/' + 'x' * 80, 400, 'bad-path')
    expect('GET', 'domains/..', 404, 'no-such-route')  # libwebsockets folds it away first
    st, _ = call('GET', '/api/v2/domains')
    if st != 404:
        fail(f'/api/v2: {st}')
    ok('unknown domains 404, unknown routes 404, wrong methods 405, bad path elements 400')
    for raw, words in BAD_BODIES:
        expect('POST', f'domains/{A}/shutdown', 400, 'bad-body', raw=raw, words=[words])
    expect('POST', 'domains', 413, 'body-too-large', raw=b'{"config": "' + b'#' * 300000 + b'"}')
    bad_creates = [
        ({}, 'either "template"'),
        ({'template': 'hello', 'config': 'x'}, 'not both'),
        ({'template': '../etc/passwd'}, 'not a template name'),
        ({'template': 'nosuch'}, 'no such template'),
        ({'config': 'name = "x"\n'}, 'kernel: missing'),
        ({'config': 'name = x\n'}, 'strings need quotes'),
        ({'config': 'name="x"\nkernel="/nonexistent"\n'}, '/nonexistent'),
        ({'template': 'hello', 'overrides': ['memory=lots']}, 'memory'),
        ({'template': 'hello', 'overrides': ['name=a\nb=c']}, 'without line breaks'),
        ({'template': 'hello', 'overrides': 'name=x'}, 'array of at most'),
        ({'template': 'hello', 'paused': 1}, 'true or false'),
    ]
    for body, words in bad_creates:
        st, reply = api('POST', 'domains', body)
        msg = reply.get('error', {}).get('message', '')
        if st not in (400, 404) or words not in msg or not msg.startswith('pvx: '):
            fail(f'create {body}: {st} {reply}')
    ok(f'{len(BAD_BODIES)} bad bodies, an oversized one (413) and {len(bad_creates)} bad creates: '
       'clear JSON errors in pvx\'s words')


def check_unix_and_loopback():
    st, reply = api('GET', 'domains', token=None, unix=True)
    if st != 200 or not reply['domains']:
        fail(f'Unix socket without a token: {st} {reply}')
    ok('the Unix socket in the run directory needs no token')
    port = int(HOSTPORT.rsplit(':', 1)[1])
    addrs = subprocess.run(['ip', '-4', '-o', 'addr', 'show'], capture_output=True,
                           text=True).stdout.split()
    others = [a.split('/')[0] for a in addrs if '/' in a and not a.startswith('127.')]
    for a in others:
        s = socket.socket()
        s.settimeout(2)
        try:
            s.connect((a, port))
            fail(f'pvxweb answers on {a}:{port}, not only on loopback')
        except OSError:
            pass
        finally:
            s.close()
    ok(f'nothing listens on the port but loopback (tried {", ".join(others) or "no other address"})')


def ws(path, proto, token=TOKEN):
    q = f'?token={token}' if token is not None else ''
    return websocket.create_connection(f'ws://{HOSTPORT}/api/v1/{path}{q}', subprotocols=[proto],
                                       timeout=DEADLINE)


def next_json(conn, pred, what):
    end = time.time() + DEADLINE
    while time.time() < end:
        op, data = conn.recv_data()
        if op == websocket.ABNF.OPCODE_TEXT:
            m = json.loads(data)
            if pred(m):
                return m
        elif op == websocket.ABNF.OPCODE_CLOSE:
            fail(f'{what}: closed ({data!r})')
    fail(f'timed out waiting for {what}')


def expect_ws_refusal(path, proto, token, status, code):
    conn = ws(path, proto, token)
    m = next_json(conn, lambda m: m.get('type') == 'error', f'{path} error')
    if m['status'] != status or not m['message'].startswith('pvx: '):
        fail(f'{path}: {m}')
    op, data = conn.recv_data(control_frame=True)
    if op != websocket.ABNF.OPCODE_CLOSE or int.from_bytes(data[:2], 'big') != code:
        fail(f'{path}: closed with {op} {data!r}, wanted code {code}')
    conn.close()


def check_events():
    conn = ws('events', 'pvx-events')
    snap = next_json(conn, lambda m: True, 'the first message')
    if snap['type'] != 'snapshot' or not {A, B} <= {d['name'] for d in snap['domains']}:
        fail(f'events: first message {snap}')
    expect('POST', f'domains/{A}/pause', 200)
    next_json(conn, lambda m: m['type'] == 'domain' and m['domain']['name'] == A
              and m['domain']['state'] == 'paused', f'{A} paused event')
    expect('POST', f'domains/{A}/unpause', 200)
    next_json(conn, lambda m: m['type'] == 'domain' and m['domain']['name'] == A
              and m['domain']['state'] in ('running', 'blocked'), f'{A} running event')
    m = next_json(conn, lambda m: m['type'] == 'metrics' and any(d['name'] == B for d in m['domains']),
                  'a metrics message')
    if not all('cpu_pct' in d and 'mem_kib' in d and d['hypercalls_per_s'] is not None
               for d in m['domains']):
        fail(f'metrics: {m}')
    conn.close()
    ok('events: snapshot, then "changed" to paused and back, then metrics with every domain')
    expect_ws_refusal('events', 'pvx-events', 'f' * 32, 401, 4401)
    try:
        ws('nothing', 'pvx-events').close()
        fail('an events connection on /api/v1/nothing was accepted')
    except (websocket.WebSocketBadStatusException, websocket.WebSocketConnectionClosedException):
        pass  # libwebsockets drops the handshake of a protocol on the wrong path
    ok('events: a wrong token gets 401 and close code 4401; a wrong path is refused')


def check_console():
    conn = ws(f'domains/{B}/console', 'pvx-console')
    m = next_json(conn, lambda m: True, 'attached')
    if m['type'] != 'attached' or m['name'] != B:
        fail(f'console: {m}')
    word = f'web-api-{os.getpid()}'
    conn.send_binary(f'echo {word}\r'.encode())
    seen, end = b'', time.time() + DEADLINE
    while f'\n{word}'.encode() not in seen.replace(b'\r', b''):
        if time.time() > end:
            fail(f'console: no answer, got {seen[-300:]!r}')
        op, data = conn.recv_data()
        if op == websocket.ABNF.OPCODE_BINARY:
            seen += data
    conn.close()
    ok(f'console of {B}: attached, "echo {word}" answered')
    expect_ws_refusal('domains/nosuch/console', 'pvx-console', TOKEN, 404, 4404)
    expect_ws_refusal(f'domains/{B}/console', 'pvx-console', None, 401, 4401)
    ok('console: an unknown domain gets 404 (4404), no token 401 (4401)')


def check_garbage():
    for junk in (b'\x00\xff' * 600 + b'\r\n\r\n', b'GET /api/v1/domains HTTP/1.1\r\nHost: x\r\n' +
                 b'X-Long: ' + b'a' * 70000 + b'\r\n\r\n', b'POST /api/v1/domains HTTP/1.1\r\n'
                 b'Content-Length: 99999999999999999999\r\n\r\n{'):
        s = socket.create_connection(HOSTPORT.rsplit(':', 1), timeout=5)
        try:
            s.sendall(junk)
            s.recv(4096)
        except OSError:
            pass
        s.close()
    expect('GET', 'host', 200)
    ok('garbage, an oversized header and an absurd Content-Length: pvxweb still answers')


def main():
    check_host()
    check_listing()
    check_devices()
    check_counters()
    check_pause()
    check_create()
    check_shutdown_reboot_destroy()
    check_save_restore()
    check_migrate()
    check_bad_requests()
    check_unix_and_loopback()
    check_events()
    check_console()
    check_garbage()


if __name__ == '__main__':
    main()
