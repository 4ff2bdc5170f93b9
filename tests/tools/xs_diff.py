#!/usr/bin/env python3
"""Differential test of two xenstore daemons: sends the same wire messages (valid,
malformed, unknown types, empty and oversize payloads, watches, transactions) to both
and compares the answers. Known, documented differences are listed in KNOWN: for those
the test checks that each side still answers as documented.

  xs_diff.py OURS_SOCK THEIRS_SOCK ABI_MD     exit 0 when only known differences remain
"""
import re
import socket
import struct
import sys
import os

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xswire  # noqa: E402

T = {n: i for i, n in enumerate(xswire.TYPES)}

# case id -> (our answer, C xenstored's answer); each is also listed in docs/ABI.md
KNOWN = {
    "read_extra_arg": ("ERROR EINVAL|", "ERROR ENOENT|"),
    "set_perms_big_domid": ("ERROR EINVAL|", "ERROR ENOENT|"),
    "set_perms_unknown_owner": ("SET_PERMS OK|", "ERROR ENOENT|"),
    "domain_path_garbage": ("ERROR EINVAL|", "GET_DOMAIN_PATH /local/domain/0|"),
    "is_introduced_garbage": ("ERROR EINVAL|", "IS_DOMAIN_INTRODUCED T|"),
    "watch_depth": ("WATCH OK| + /d|depth|", "ERROR EINVAL|"),
    "control_help": None,   # different command sets: only both succeed is checked
    "introduce": ("INTRODUCE OK|", "ERROR ENOSYS|"),
}


def render(m):
    if m is None:
        return "EOF"
    return "%s %s" % (xswire.type_name(m[0]),
                      m[3].decode("latin-1").replace("\0", "|").replace("\n", "\\n"))


class Side:
    def __init__(self, path):
        self.path = path
        self.conns = {}
        self.txids = {}

    def conn(self, name):
        if name not in self.conns:
            self.conns[name] = xswire.Conn(self.path, timeout=2.0)
        return self.conns[name]

    def drop(self, name):
        c = self.conns.pop(name, None)
        if c:
            c.close()

    def request(self, name, typ, payload, tx=0, length=None, raw=None):
        """Send; return 'reply + sorted events' text (events delivered up to a sync)."""
        c = self.conn(name)
        try:
            if raw is not None:
                c.raw(raw)
            else:
                c.send(typ, payload, self.txids.get(tx, tx), length=length)
            reply, events = None, []
            while True:
                m = c.recv()
                if m is None:
                    self.drop(name)
                    return "EOF"
                if m[0] == T["WATCH_EVENT"]:
                    events.append(render(m).split(" ", 1)[1])
                    continue
                reply = m
                break
            # sync: every event caused by this request arrives before this reply
            c.send(T["READ"], b"/\0")
            while True:
                m = c.recv()
                if m is None:
                    self.drop(name)
                    break
                if m[0] == T["WATCH_EVENT"]:
                    events.append(render(m).split(" ", 1)[1])
                    continue
                break
        except OSError:
            self.drop(name)
            return "EOF"
        text = render(reply)
        return text + "".join(" + " + e for e in sorted(events))


def case_list():
    """(id, connection, type, payload, extra) in order; state builds up."""
    L = []

    def add(cid, typ, payload=b"", conn="a", **kw):
        L.append((cid, conn, typ, payload, kw))
    add("read_root", T["READ"], b"/\0")
    add("dir_root", T["DIRECTORY"], b"/\0")
    add("perms_root", T["GET_PERMS"], b"/\0")
    add("perms_tool", T["GET_PERMS"], b"/tool/xenstored\0")
    add("write_deep", T["WRITE"], b"/d/a/b\0val")
    add("read_deep", T["READ"], b"/d/a/b\0")
    add("read_mid", T["READ"], b"/d/a\0")
    add("dir_d", T["DIRECTORY"], b"/d\0")
    add("write_empty", T["WRITE"], b"/d/e\0")
    add("write_binary", T["WRITE"], b"/d/bin\0a\0b\xff")
    add("read_binary", T["READ"], b"/d/bin\0")
    add("write_no_nul", T["WRITE"], b"/d/y")
    add("write_empty_path", T["WRITE"], b"\0x")
    add("read_no_nul", T["READ"], b"/d/a/b")
    add("read_empty", T["READ"], b"")
    add("read_absent", T["READ"], b"/nope\0")
    add("read_double_slash", T["READ"], b"/d//a\0")
    add("read_trailing_slash", T["READ"], b"/d/\0")
    add("read_dot", T["READ"], b"/d.a\0")
    add("read_colon", T["READ"], b"/d:a\0")
    add("read_space", T["READ"], b"/d a\0")
    add("read_ctrl", T["READ"], b"/d\x01\0")
    add("read_utf8", T["READ"], b"/\xc3\xa9\0")
    add("read_at", T["READ"], b"@x\0")
    add("read_at_inside", T["READ"], b"/a-b_c@d\0")
    add("read_relative", T["READ"], b"rel\0")
    add("read_extra_arg", T["READ"], b"/d\0x\0")
    for n in (2047, 2048, 2049):
        add("abs_len_%d" % (n + 1), T["READ"], b"/" + b"a" * n + b"\0")
        add("rel_len_%d" % n, T["READ"], b"a" * n + b"\0")
        add("home_len_%d" % n, T["READ"], b"/local/domain/5/" + b"a" * n + b"\0")
    add("abs_len_3100", T["READ"], b"/" + b"a" * 3099 + b"\0")
    add("write_home", T["WRITE"], b"/local/domain/0/name\0Domain-0")
    add("read_home_rel", T["READ"], b"name\0")
    add("mkdir_new", T["MKDIR"], b"/m/n\0")
    add("mkdir_exists", T["MKDIR"], b"/m/n\0")
    add("mkdir_empty", T["MKDIR"], b"\0")
    add("mkdir_no_nul", T["MKDIR"], b"/m/q")
    add("rm_absent", T["RM"], b"/m/absent\0")
    add("rm_absent_parent", T["RM"], b"/zz/yy\0")
    add("rm_root", T["RM"], b"/\0")
    add("rm_tree", T["RM"], b"/m\0")
    add("read_removed", T["READ"], b"/m/n\0")
    add("dirpart_no_offset", T["DIRECTORY_PART"], b"/d\0")
    add("dirpart_0", T["DIRECTORY_PART"], b"/d\x000\0")
    add("dirpart_2", T["DIRECTORY_PART"], b"/d\x002\0")
    add("dirpart_99", T["DIRECTORY_PART"], b"/d\x0099\0")
    add("dirpart_absent", T["DIRECTORY_PART"], b"/nope\x000\0")
    add("set_perms", T["SET_PERMS"], b"/d\0n0\0r0\0")
    add("get_perms_set", T["GET_PERMS"], b"/d\0")
    add("get_perms_inherit_old", T["GET_PERMS"], b"/d/a\0")
    add("write_inherits", T["WRITE"], b"/d/new\0")
    add("get_perms_inherit_new", T["GET_PERMS"], b"/d/new\0")
    add("set_perms_bad_letter", T["SET_PERMS"], b"/d\0x0\0")
    add("set_perms_none", T["SET_PERMS"], b"/d\0")
    add("set_perms_no_nul", T["SET_PERMS"], b"/d\0n0")
    add("set_perms_absent", T["SET_PERMS"], b"/nope\0r0\0")
    add("set_perms_big_domid", T["SET_PERMS"], b"/d\0b70000\0")
    add("set_perms_unknown_domain", T["SET_PERMS"], b"/d/new\0n0\0r5\0")
    add("set_perms_no_domid", T["SET_PERMS"], b"/d/new\0r\0")
    add("set_perms_unknown_owner", T["SET_PERMS"], b"/d/own\0b7\0", pre=[(T["WRITE"], b"/d/own\0")])
    add("watch_d", T["WATCH"], b"/d\0tok\0")
    add("watch_dup", T["WATCH"], b"/d\0tok\0")
    add("watch_write", T["WRITE"], b"/d/w/x\0v")
    add("watch_setperms", T["SET_PERMS"], b"/d\0n0\0")
    add("watch_mkdir_exists", T["MKDIR"], b"/d\0")
    add("watch_deep", T["WATCH"], b"/d/w/x\0deep\0")
    add("watch_rm", T["RM"], b"/d/w\0")
    add("watch_relative", T["WATCH"], b"rel\0r\0")
    add("watch_relative_fire", T["WRITE"], b"/local/domain/0/rel/q\0v")
    add("watch_root", T["WATCH"], b"/\0root\0")
    add("watch_root_fire", T["WRITE"], b"/x1\0v")
    add("watch_intro", T["WATCH"], b"@introduceDomain\0i\0")
    add("watch_release_dom", T["WATCH"], b"@releaseDomain/5\0r5\0")
    add("watch_bogus_special", T["WATCH"], b"@bogus\0b\0")
    add("watch_one_arg", T["WATCH"], b"/d\0")
    add("watch_four_args", T["WATCH"], b"/d\0t\0x\0y\0")
    add("watch_empty_token", T["WATCH"], b"/d\0\0")
    add("watch_bad_path", T["WATCH"], b"/d//x\0t\0")
    add("watch_depth", T["WATCH"], b"/d\0depth\x001\0")
    add("unwatch_absent", T["UNWATCH"], b"/d\0nope\0")
    add("unwatch", T["UNWATCH"], b"/d\0tok\0")
    add("unwatch_root", T["UNWATCH"], b"/\0root\0")
    add("reset_watches", T["RESET_WATCHES"], b"")
    add("reset_watches_payload", T["RESET_WATCHES"], b"x\0")
    add("after_reset", T["WRITE"], b"/d/z\0v")
    add("tx_start", T["TRANSACTION_START"], b"\0", save_tx=1)
    add("tx_write", T["WRITE"], b"/tx/a\0v", tx=1)
    add("tx_read_outside", T["READ"], b"/tx/a\0")
    add("tx_read_inside", T["READ"], b"/tx/a\0", tx=1)
    add("tx_dir_inside", T["DIRECTORY"], b"/tx\0", tx=1)
    add("tx_nested_start", T["TRANSACTION_START"], b"\0", tx=1)
    add("tx_end_bad", T["TRANSACTION_END"], b"X\0", tx=1)
    add("tx_end_commit", T["TRANSACTION_END"], b"T\0", tx=1)
    add("tx_end_again", T["TRANSACTION_END"], b"T\0", tx=1)
    add("tx_read_committed", T["READ"], b"/tx/a\0")
    add("tx_unknown_read", T["READ"], b"/d\0", tx=99)
    add("tx_unknown_end", T["TRANSACTION_END"], b"T\0", tx=99)
    add("tx_end_no_tx", T["TRANSACTION_END"], b"T\0")
    add("tx_start_empty", T["TRANSACTION_START"], b"", save_tx=2)
    add("tx2_read", T["READ"], b"/tx/a\0", tx=2)
    add("tx2_write", T["WRITE"], b"/tx/a\0mine", tx=2)
    add("tx2_other_conn_write", T["WRITE"], b"/tx/a\0theirs", conn="b")
    add("tx2_other_conn_uses_tx", T["READ"], b"/tx/a\0", conn="b", tx=2)
    add("tx2_commit_conflict", T["TRANSACTION_END"], b"T\0", tx=2)
    add("tx3_start", T["TRANSACTION_START"], b"\0", save_tx=3)
    add("tx3_read", T["READ"], b"/tx/a\0", tx=3)
    add("tx3_write", T["WRITE"], b"/tx/a\0mine", tx=3)
    add("tx3_commit", T["TRANSACTION_END"], b"T\0", tx=3)
    add("tx3_result", T["READ"], b"/tx/a\0", conn="b")
    add("tx4_start", T["TRANSACTION_START"], b"\0", save_tx=4)
    add("tx4_write", T["WRITE"], b"/tx/ab\0x", tx=4)
    add("tx4_abort", T["TRANSACTION_END"], b"F\0", tx=4)
    add("tx4_result", T["READ"], b"/tx/ab\0")
    add("ev_watch", T["WATCH"], b"/ev\0e\0")
    add("ev_mkdir_new", T["MKDIR"], b"/ev/m\0")
    add("ev_write_same", T["WRITE"], b"/ev/m\0")
    add("ev_rm_absent", T["RM"], b"/ev/none\0")
    add("ev_tx_start", T["TRANSACTION_START"], b"\0", save_tx=5)
    add("ev_tx_write", T["WRITE"], b"/ev/t1\0a", tx=5)
    add("ev_tx_rm", T["RM"], b"/ev/m\0", tx=5)
    add("ev_tx_perms", T["SET_PERMS"], b"/ev\0n0\0r0\0", tx=5)
    add("ev_tx_commit", T["TRANSACTION_END"], b"T\0", tx=5)
    add("ev_tx6_start", T["TRANSACTION_START"], b"\0", save_tx=6)
    add("ev_tx6_write", T["WRITE"], b"/ev/t2\0a", tx=6)
    add("ev_tx6_abort", T["TRANSACTION_END"], b"F\0", tx=6)
    add("ev_other_conn", T["WRITE"], b"/ev/o\0", conn="b")
    add("ev_after_other", T["READ"], b"/ev/o\0")
    add("control_print", T["CONTROL"], b"print\0hello\0")
    add("control_bogus", T["CONTROL"], b"bogus\0")
    add("control_empty_cmd", T["CONTROL"], b"\0")
    add("control_empty", T["CONTROL"], b"")
    add("control_help", T["CONTROL"], b"help\0")
    add("domain_path", T["GET_DOMAIN_PATH"], b"5\0")
    add("domain_path_empty", T["GET_DOMAIN_PATH"], b"")
    add("domain_path_garbage", T["GET_DOMAIN_PATH"], b"x\0")
    add("is_introduced_0", T["IS_DOMAIN_INTRODUCED"], b"0\0")
    add("is_introduced_5", T["IS_DOMAIN_INTRODUCED"], b"5\0")
    add("is_introduced_self", T["IS_DOMAIN_INTRODUCED"], b"32752\0")
    add("is_introduced_garbage", T["IS_DOMAIN_INTRODUCED"], b"x\0")
    add("release_unknown", T["RELEASE"], b"9\0")
    add("release_0", T["RELEASE"], b"0\0")
    add("resume_0", T["RESUME"], b"0\0")
    add("resume_unknown", T["RESUME"], b"9\0")
    add("set_target_unknown", T["SET_TARGET"], b"5\x000\0")
    add("set_target_one_arg", T["SET_TARGET"], b"5\0")
    add("introduce_short", T["INTRODUCE"], b"6\x00123\0")
    add("type_restrict", 20, b"x\0")
    add("type_count", 23, b"")
    add("type_99", 99, b"x")
    add("type_invalid", 0xffff, b"abc\0")
    add("type_error", T["ERROR"], b"x\0")
    add("type_watch_event", T["WATCH_EVENT"], b"x\0y\0")
    add("type_unknown_empty", 77, b"")
    big = b"/big\0" + b"v" * (4096 - 5)
    add("payload_4096", T["WRITE"], big)
    add("payload_4096_read", T["READ"], b"/big\0")
    add("oversize_header", T["READ"], b"", length=4097)
    add("after_oversize", T["READ"], b"/d/a/b\0")
    add("huge_len", T["READ"], b"", length=0xffffffff)
    add("garbage", None, raw=b"\xff" * 10)
    kids = [(T["WRITE"], b"/big/child-number-%04d\0" % i) for i in range(400)]
    add("dir_big", T["DIRECTORY"], b"/big\0", pre=kids)
    add("dirpart_big_0", T["DIRECTORY_PART"], b"/big\x000\0")
    add("dirpart_big_4086", T["DIRECTORY_PART"], b"/big\x004086\0")
    add("dirpart_big_8172", T["DIRECTORY_PART"], b"/big\x008172\0")
    add("set_perms_many", T["SET_PERMS"], b"/big\0" + b"".join(b"r%d\0" % i for i in range(600)))
    add("get_perms_many", T["GET_PERMS"], b"/big\0")
    add("introduce", T["INTRODUCE"], b"5\x00123\x007\0")
    return L


def main():
    ours, theirs = Side(sys.argv[1]), Side(sys.argv[2])
    abi = open(sys.argv[3]).read() if len(sys.argv) > 3 else ""
    bad = 0
    for cid, conn, typ, payload, kw in case_list():
        answers = []
        for side in (ours, theirs):
            for ptype, ppayload in kw.get("pre", []):
                side.request(conn, ptype, ppayload)
            r = side.request(conn, typ, payload, tx=kw.get("tx", 0), length=kw.get("length"),
                             raw=kw.get("raw"))
            if kw.get("save_tx") and r.startswith("TRANSACTION_START "):
                side.txids[kw["save_tx"]] = int(r.split()[1].rstrip("|"))
                r = "TRANSACTION_START <id>|"
            r = re.sub(r"^DIRECTORY_PART \d+\|", "DIRECTORY_PART <gen>|", r)
            answers.append(r)
        if cid in KNOWN:
            if cid not in abi:
                print("UNDOCUMENTED known difference %s (add it to docs/ABI.md)" % cid)
                bad += 1
            want = KNOWN[cid]
            ok = (want is None and not answers[0].startswith("ERROR") and
                  not answers[1].startswith("ERROR")) or (want is not None and
                                                         tuple(answers) == want)
            print("%-4s %-28s ours=%s  xenstored=%s" % ("ok" if ok else "BAD", cid + " (known)",
                                                        answers[0][:60], answers[1][:60]))
            bad += not ok
            continue
        same = answers[0] == answers[1]
        print("%-4s %-28s %s" % ("ok" if same else "DIFF", cid,
                                 answers[0][:70] if same else
                                 "ours=%s  xenstored=%s" % (answers[0][:70], answers[1][:70])))
        bad += not same
    print("xs_diff: %d cases, %d unexpected differences" % (len(case_list()), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
