#!/usr/bin/env python3
# Probes for issue #20: can the command reach processes outside its sandbox, or the process that
# keeps the sandbox together? Each mode prints one JSON line {"probe": ..., "ops": [...]} in the
# shape of probes.py, one op per attempted access, so the test can say exactly which step worked.
#
#   pid1                      read /proc/1/status; open /proc/1/mem read-write and read-only
#   kill-reaper MARKER        start a setsid double-forked daemon carrying MARKER in its argv, then
#                             SIGKILL the parent (the reaper); the host looks for MARKER afterwards
#   host-procs VICTIM_PID     open the Node parent's /proc/PID/mem read-write (Node is the reaper's
#                             parent), read the victim's /proc/PID/environ, SIGKILL the victim, and
#                             open /proc/sys/kernel/core_pattern for writing (opened and closed,
#                             never written: this is a shared machine)
import errno
import json
import os
import signal
import sys
import time

ops = []


def record(op, ok, err=None, detail=''):
    ops.append({'op': op, 'ok': ok, 'errno': errno.errorcode.get(err) if err else None, 'detail': detail})


def report(probe):
    print(json.dumps({'probe': probe, 'ops': ops}), flush=True)


def try_open(op, path, flags):
    try:
        fd = os.open(path, flags)
    except OSError as e:
        record(op, False, e.errno, path)
        return
    os.close(fd)
    record(op, True, None, path)


def status_fields(pid):
    fields = {}
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            name, _, value = line.partition(':')
            fields[name] = value.strip()
    return fields


def pid1():
    try:
        fields = status_fields(1)
        record('status', True, None, json.dumps({k: fields.get(k) for k in ('Name', 'Seccomp', 'NoNewPrivs')}))
    except OSError as e:
        record('status', False, e.errno, '/proc/1/status')
    try_open('mem-rw', '/proc/1/mem', os.O_RDWR)
    try_open('mem-ro', '/proc/1/mem', os.O_RDONLY)
    report('pid1')


def kill_reaper(marker):
    reaper = os.getppid()
    first = os.fork()
    if first == 0:
        os.setsid()
        if os.fork() == 0:
            # The daemon: a shell whose argv carries the marker, running long enough to be found.
            devnull = os.open('/dev/null', os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            os.execv('/bin/sh', ['/bin/sh', '-c', 'sleep 30; :', marker])
        os._exit(0)
    os.waitpid(first, 0)
    record('daemon', True, None, 'started')
    # Printed before the kill: if it works, the kernel ends this process with its reaper.
    report('kill-reaper')
    ops.clear()
    try:
        os.kill(reaper, signal.SIGKILL)
    except OSError as e:
        record('kill', False, e.errno, str(reaper))
        report('kill-reaper')
        return
    record('kill', True, None, str(reaper))
    report('kill-reaper')
    time.sleep(2)


def host_procs(victim):
    reaper = os.getppid()
    try:
        node = int(status_fields(reaper)['PPid'])
    except (OSError, KeyError, ValueError) as e:
        node = 0
        record('find-node', False, getattr(e, 'errno', None), str(reaper))
    if node > 0:
        record('find-node', True, None, str(node))
        try_open('node-mem-rw', '/proc/%d/mem' % node, os.O_RDWR)
    try:
        with open('/proc/%d/environ' % victim, 'rb') as f:
            data = f.read()
        record('victim-environ', True, None, data.decode('latin1'))
    except OSError as e:
        record('victim-environ', False, e.errno, str(victim))
    try:
        os.kill(victim, signal.SIGKILL)
        record('victim-kill', True, None, str(victim))
    except OSError as e:
        record('victim-kill', False, e.errno, str(victim))
    try_open('core-pattern-w', '/proc/sys/kernel/core_pattern', os.O_WRONLY)
    report('host-procs')


if __name__ == '__main__':
    mode = sys.argv[1]
    if mode == 'pid1':
        pid1()
    elif mode == 'kill-reaper':
        kill_reaper(sys.argv[2])
    elif mode == 'host-procs':
        host_procs(int(sys.argv[2]))
    else:
        sys.exit('unknown mode ' + mode)
