#!/usr/bin/env python3
# Host-side stand-in for an abstract-socket daemon (X11, D-Bus). Node pads abstract names to the
# full sun_path length, which no real client does, so the suite binds the exact name here.
# Prints "ready", then one "hit" line per accepted connection. Each "sync" line on stdin is
# answered with "synced" after every connection already queued has been accepted, so the test
# can count without racing. Exits when stdin closes or after 300 s, so a crashed test never
# leaves it behind.
import os
import select
import socket
import sys
import time


def drain(s):
    while True:
        try:
            conn, _ = s.accept()
        except BlockingIOError:
            return
        conn.close()
        sys.stdout.write('hit\n')


s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind('\0' + sys.argv[1])
s.listen(16)
s.setblocking(False)
sys.stdout.write('ready\n')
sys.stdout.flush()
deadline = time.monotonic() + 300
while time.monotonic() < deadline:
    readable, _, _ = select.select([s, sys.stdin], [], [], 1.0)
    drain(s)
    if sys.stdin in readable:
        data = os.read(sys.stdin.fileno(), 64)
        if data == b'':
            break
        for _ in range(data.count(b'\n')):
            sys.stdout.write('synced\n')
    sys.stdout.flush()
