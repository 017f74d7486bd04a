#!/usr/bin/env python3
# Host side of the terminal-injection probe (P23, CVE-2017-5226 class). Owns a pseudo-terminal
# the way a user's shell owns its terminal: whatever a sandboxed process pushes into the input
# queue with TIOCSTI is what that shell would read and run next.
#
# Prints "slave <path>" once, then answers commands on stdin, one per line:
#   drain          -> "queued <hex>": the bytes waiting in the terminal's input queue (consumed)
#   control <json> -> runs argv (a JSON list) on the host with the terminal as its controlling
#                     tty and stdio, then "exit <status>" (the unsandboxed control)
# Exits when stdin closes, or after 300 s so a crashed test never leaves it behind.
import fcntl
import json
import os
import select
import signal
import sys
import termios
import tty

master, slave = os.openpty()
tty.setraw(slave)
signal.alarm(300)
sys.stdout.write('slave %s\n' % os.ttyname(slave))
sys.stdout.flush()


def drain():
    flags = fcntl.fcntl(slave, fcntl.F_GETFL)
    fcntl.fcntl(slave, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    data = b''
    try:
        while True:
            chunk = os.read(slave, 4096)
            if not chunk:
                break
            data += chunk
    except BlockingIOError:
        pass
    fcntl.fcntl(slave, fcntl.F_SETFL, flags)
    return data


def control(argv):
    pid = os.fork()
    if pid == 0:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        os.execv(argv[0], argv)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def discard_output():
    # Keep the master drained so a chatty probe never blocks on a full terminal buffer.
    while select.select([master], [], [], 0)[0]:
        if not os.read(master, 4096):
            break


for line in sys.stdin:
    discard_output()
    cmd, _, arg = line.strip().partition(' ')
    if cmd == 'drain':
        sys.stdout.write('queued %s\n' % drain().hex())
    elif cmd == 'control':
        sys.stdout.write('exit %d\n' % control(json.loads(arg)))
    else:
        sys.stdout.write('error unknown command\n')
    sys.stdout.flush()
