#!/usr/bin/env python3
# Escape probes for the security suite (issue #7). Each probe is an attacker's attempt, made from
# inside the sandbox, and prints exactly one JSON line on stdout:
#   {"probe": NAME, "ops": [{"op": LABEL, "ok": BOOL, "errno": NAME|null, "detail": STR}]}
# "ok": true means that step of the attack worked. The probe itself never decides whether the
# sandbox held: the test compares the ops and, for anything with an effect outside the process,
# checks the host afterwards. Exit status is 0 whenever the probe ran to the end, so a non-zero
# status always means the probe could not even start (for example python3 not visible).
#
# Only the standard library, so the same file runs as root and as an unprivileged CI user.
import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import signal
import socket
import struct
import sys
import termios

LIBC = ctypes.CDLL(None, use_errno=True)
LIBC.syscall.restype = ctypes.c_long

# x86_64 syscall numbers; the suite runs on x86_64 (other arches report the probe unavailable).
NR = {
    'ptrace': 101,
    'process_vm_readv': 310,
    'io_uring_setup': 425,
    'name_to_handle_at': 303,
    'open_by_handle_at': 304,
    'bpf': 321,
    'perf_event_open': 298,
    'userfaultfd': 323,
    'add_key': 248,
    'socket': 41,
    'unshare': 272,
    'mount': 165,
    'umount2': 166,
}
X32_SYSCALL_BIT = 0x40000000
PAYLOAD = b'PWNED-BY-SANDBOXED-PROBE\n'


class Report:
    def __init__(self, name):
        self.name = name
        self.ops = []

    def add(self, op, ok, err=None, detail=''):
        self.ops.append({
            'op': op,
            'ok': bool(ok),
            'errno': None if err is None else errno.errorcode.get(err, str(err)),
            'detail': str(detail)[:300],
        })
        return ok

    def attempt(self, op, fn):
        """Runs fn(); an OSError is a refusal of this step, anything it returns is detail."""
        try:
            detail = fn()
        except OSError as e:
            self.add(op, False, e.errno, e.strerror)
            return False
        self.add(op, True, None, '' if detail is None else detail)
        return True

    def emit(self):
        sys.stdout.write(json.dumps({'probe': self.name, 'ops': self.ops}) + '\n')
        sys.stdout.flush()


def syscall(name, *args):
    """Raw syscall; returns the result or raises OSError with the kernel's errno."""
    ctypes.set_errno(0)
    res = LIBC.syscall(ctypes.c_long(NR[name] if isinstance(name, str) else name),
                       *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])
    if res == -1:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return res


def write_payload(path):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, PAYLOAD)
    finally:
        os.close(fd)


# ---- filesystem -------------------------------------------------------------------------------

def probe_write(r, paths):
    for p in paths:
        r.attempt('write ' + p, lambda p=p: write_payload(p))


def probe_mkdir_write(r, paths):
    """Creates missing parents, then writes: nested repos, bare-repo layouts, $HOME dot dirs."""
    for p in paths:
        def go(p=p):
            os.makedirs(os.path.dirname(p), exist_ok=True)
            write_payload(p)
        r.attempt('mkdir+write ' + p, go)


def probe_symlink_write(r, args):
    link, target = args
    r.attempt('symlink ' + link + ' -> ' + target, lambda: os.symlink(target, link))
    r.attempt('write through ' + link, lambda: write_payload(link))


def probe_replace_with_symlink(r, args):
    protected_dir, decoy, inner = args
    r.attempt('rename ' + protected_dir, lambda: os.rename(protected_dir, protected_dir + '.moved'))
    r.attempt('symlink ' + protected_dir + ' -> ' + decoy, lambda: os.symlink(decoy, protected_dir))
    r.attempt('write ' + os.path.join(protected_dir, inner),
              lambda: write_payload(os.path.join(protected_dir, inner)))


def probe_hardlink_write(r, args):
    source, link = args
    r.attempt('link ' + source + ' -> ' + link, lambda: os.link(source, link))
    r.attempt('write ' + link, lambda: write_payload(link))


def probe_rename_parent(r, args):
    protected_dir, new_name, recreate = args
    r.attempt('rename ' + protected_dir + ' -> ' + new_name, lambda: os.rename(protected_dir, new_name))

    def recreate_it():
        os.makedirs(os.path.dirname(recreate), exist_ok=True)
        write_payload(recreate)
    r.attempt('recreate ' + recreate, recreate_it)


def probe_proc_alias_write(r, args):
    target, rel_from_cwd = args
    r.attempt('write /proc/self/root' + target, lambda: write_payload('/proc/self/root' + target))
    r.attempt('write /proc/self/cwd/' + rel_from_cwd, lambda: write_payload('/proc/self/cwd/' + rel_from_cwd))
    fd = os.open('.', os.O_RDONLY | os.O_DIRECTORY)
    try:
        r.attempt('write /dev/fd/N/' + rel_from_cwd, lambda: write_payload('/dev/fd/%d/%s' % (fd, rel_from_cwd)))
    finally:
        os.close(fd)


def probe_inherited_fds(r, args):
    """Every fd above stdio is a handle the sandbox did not grant by path; try to use each one."""
    secret_name = args[0] if args else None
    listing = os.open('/proc/self/fd', os.O_RDONLY | os.O_DIRECTORY)
    names = os.listdir(listing)
    os.close(listing)
    found = False
    for name in sorted(names, key=int):
        fd = int(name)
        if fd <= 2 or fd == listing:
            continue
        try:
            target = os.readlink('/proc/self/fd/' + name)
        except OSError:
            continue
        found = True
        r.add('inherited fd %d' % fd, True, None, target)
        if secret_name is not None:
            def read_rel(fd=fd):
                inner = os.open(secret_name, os.O_RDONLY, dir_fd=fd)
                try:
                    return os.read(inner, 64).decode('utf-8', 'replace')
                finally:
                    os.close(inner)
            r.attempt('openat(%d, %s) read' % (fd, secret_name), read_rel)

            # A descriptor from the host's mount is not subject to the sandbox's read-only binds.
            def write_rel(fd=fd):
                inner = os.open(secret_name, os.O_WRONLY | os.O_APPEND, dir_fd=fd)
                try:
                    os.write(inner, PAYLOAD)
                finally:
                    os.close(inner)
            r.attempt('openat(%d, %s) write' % (fd, secret_name), write_rel)
    if not found:
        r.add('inherited fd above 2', False, None, 'none')


def probe_truncate(r, args):
    path = args[0]
    r.attempt('open O_RDONLY|O_TRUNC ' + path, lambda: os.close(os.open(path, os.O_RDONLY | os.O_TRUNC)))
    r.attempt('truncate ' + path, lambda: os.truncate(path, 0))


def probe_metadata(r, args):
    path = args[0]
    r.attempt('chmod ' + path, lambda: os.chmod(path, 0o777))
    r.attempt('chown ' + path, lambda: os.chown(path, os.getuid(), os.getgid()))
    r.attempt('utime ' + path, lambda: os.utime(path, (1, 1)))
    r.attempt('setxattr ' + path, lambda: os.setxattr(path, 'user.csbx_probe', b'1'))


def probe_wait_read(r, args):
    """Waits for a line on stdin (the host creates files meanwhile), then reads each path."""
    sys.stdin.readline()
    probe_read(r, args)


def probe_stat(r, args):
    for p in args:
        r.attempt('stat ' + p, lambda p=p: 'mode=%o size=%d' % (os.stat(p).st_mode, os.stat(p).st_size))


def probe_read(r, args):
    for p in args:
        def go(p=p):
            with open(p, 'rb') as f:
                return f.read(200).decode('utf-8', 'replace')
        r.attempt('read ' + p, go)


def probe_handle(r, args):
    """open_by_handle_at: reaches an inode by handle, skipping path checks when CAP_DAC_READ_SEARCH."""
    target, mount_dir = args

    class FileHandle(ctypes.Structure):
        _fields_ = [('handle_bytes', ctypes.c_uint), ('handle_type', ctypes.c_int),
                    ('f_handle', ctypes.c_ubyte * 128)]
    fh = FileHandle()
    fh.handle_bytes = 128
    mount_id = ctypes.c_int(0)
    at_fdcwd = -100
    ok = r.attempt('name_to_handle_at ' + target,
                   lambda: syscall('name_to_handle_at', at_fdcwd, ctypes.c_char_p(target.encode()),
                                   ctypes.byref(fh), ctypes.byref(mount_id), 0))
    if not ok:
        return
    mfd = os.open(mount_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        def open_and_write():
            fd = syscall('open_by_handle_at', mfd, ctypes.byref(fh), os.O_WRONLY | os.O_APPEND)
            try:
                os.write(fd, PAYLOAD)
            finally:
                os.close(fd)
        r.attempt('open_by_handle_at+write ' + target, open_and_write)
    finally:
        os.close(mfd)


def mount_point_of(path):
    best = '/'
    with open('/proc/self/mountinfo') as f:
        for line in f:
            mp = line.split()[4].replace('\\040', ' ')
            if (path == mp or path.startswith(mp.rstrip('/') + '/')) and len(mp) > len(best):
                best = mp
    return best


def probe_userns_remount(r, args):
    """Nested user namespace, then try to strip read-only or masking mounts and write."""
    target = args[0]
    clone_newuser, clone_newns = 0x10000000, 0x00020000
    if not r.attempt('unshare(CLONE_NEWUSER|CLONE_NEWNS)', lambda: syscall('unshare', clone_newuser | clone_newns)):
        r.attempt('write ' + target, lambda: write_payload(target))
        return
    ms_rec, ms_private, ms_remount, ms_bind = 0x4000, 0x40000, 0x20, 0x1000
    mnt_detach = 2
    r.attempt('make / private', lambda: syscall('mount', None, ctypes.c_char_p(b'/'), None, ms_rec | ms_private, None))
    mp = mount_point_of(os.path.dirname(target))
    r.attempt('remount rw ' + mp, lambda: syscall('mount', None, ctypes.c_char_p(mp.encode()), None,
                                                  ms_remount | ms_bind, None))
    r.attempt('umount ' + mp, lambda: syscall('umount2', ctypes.c_char_p(mp.encode()), mnt_detach))
    r.attempt('write ' + target, lambda: write_payload(target))


def probe_chroot_walk(r, args):
    """chroot into a writable dir, then walk '..' past it: the classic chroot break-out."""
    jail, target = args
    r.attempt('chroot ' + jail, lambda: os.chroot(jail))

    def walk():
        for _ in range(64):
            os.chdir('..')
        os.chroot('.')
        write_payload(target)
    r.attempt('walk .. and write ' + target, walk)


def probe_privileges(r, _args):
    status = {}
    with open('/proc/self/status') as f:
        for line in f:
            k, _, v = line.partition(':')
            status[k] = v.strip()
    r.add('no_new_privs is off', status.get('NoNewPrivs') != '1', None, 'NoNewPrivs=' + status.get('NoNewPrivs', '?'))
    r.add('effective capabilities', int(status.get('CapEff', '0'), 16) != 0, None, 'CapEff=' + status.get('CapEff', '?'))
    r.add('seccomp filter absent', status.get('Seccomp') != '2', None, 'Seccomp=' + status.get('Seccomp', '?'))


# ---- processes --------------------------------------------------------------------------------

def first_readable_address(pid):
    try:
        with open('/proc/%d/maps' % pid) as f:
            for line in f:
                parts = line.split()
                if 'r' in parts[1]:
                    return int(parts[0].split('-')[0], 16)
    except OSError:
        pass
    return 0x400000


def probe_ptrace(r, args):
    pid = int(args[0])
    ptrace_attach, ptrace_detach = 16, 17

    def attach():
        syscall('ptrace', ptrace_attach, pid, 0, 0)
        os.waitpid(pid, 0x40000000)  # __WALL, to consume the attach stop
        syscall('ptrace', ptrace_detach, pid, 0, 0)
    r.attempt('ptrace(ATTACH, %d)' % pid, attach)


def probe_vm_read(r, args):
    for pid in [int(a) for a in args]:
        addr = first_readable_address(pid)

        class IoVec(ctypes.Structure):
            _fields_ = [('base', ctypes.c_void_p), ('len', ctypes.c_size_t)]
        buf = ctypes.create_string_buffer(16)
        local = IoVec(ctypes.cast(buf, ctypes.c_void_p), 16)
        remote = IoVec(addr, 16)
        r.attempt('process_vm_readv(%d)' % pid,
                  lambda: syscall('process_vm_readv', pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0))

        def mem(pid=pid, addr=addr):
            with open('/proc/%d/mem' % pid, 'rb', buffering=0) as f:
                f.seek(addr)
                return 'read %d bytes' % len(f.read(16))
        r.attempt('/proc/%d/mem' % pid, mem)


def probe_environ(r, args):
    needle = args[0].encode()
    # The direct parent is the sandbox's own bwrap init or reaper: reading it leaks nothing.
    for pid in [int(p) for p in args[1:]]:
        def go(pid=pid):
            with open('/proc/%d/environ' % pid, 'rb') as f:
                data = f.read()
            # Readable at all is the leak: any host process's environment may hold credentials.
            return 'secret found' if needle in data else 'readable, %d bytes' % len(data)
        r.attempt('/proc/%d/environ' % pid, go)


def probe_kill(r, args):
    pid = int(args[0])
    r.attempt('kill(%d, 0)' % pid, lambda: os.kill(pid, 0))
    r.attempt('kill(%d, SIGTERM)' % pid, lambda: os.kill(pid, signal.SIGTERM))


def probe_tiocsti(r, _args):
    """Pushes a command into the terminal's input queue; the host side reads the queue afterwards."""
    done = False
    for fd in (0, 1, 2):
        if not os.isatty(fd):
            continue
        def push(fd=fd):
            for ch in b'echo PWNED\n':
                fcntl.ioctl(fd, termios.TIOCSTI, bytes([ch]))
        r.attempt('TIOCSTI on fd %d' % fd, push)
        done = True
        break
    if not done:
        r.add('TIOCSTI', False, errno.ENOTTY, 'no terminal on stdio')

    def dev_tty():
        fd = os.open('/dev/tty', os.O_RDWR)
        try:
            fcntl.ioctl(fd, termios.TIOCSTI, b'\n')
        finally:
            os.close(fd)
    r.attempt('TIOCSTI via /dev/tty', dev_tty)


def probe_daemonize(r, args):
    """Double fork + setsid, then exec a sleep with a unique argument the host can look for."""
    token = args[0]
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                devnull = os.open('/dev/null', os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(devnull, fd)
                os.execv('/bin/sleep', ['sleep', token])
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    r.add('daemonized sleep ' + token, True, None, 'host checks whether it outlived the sandbox')


# ---- kernel attack surface --------------------------------------------------------------------

def probe_io_uring(r, _args):
    params = ctypes.create_string_buffer(120)

    def setup():
        fd = syscall('io_uring_setup', 4, params)
        os.close(fd)
    r.attempt('io_uring_setup', setup)


def probe_kernel_surface(r, _args):
    def bpf():
        attr = struct.pack('IIII', 2, 4, 4, 1) + b'\0' * 112  # BPF_MAP_TYPE_ARRAY, 1 entry
        buf = ctypes.create_string_buffer(attr, len(attr))
        os.close(syscall('bpf', 0, buf, len(attr)))
    r.attempt('bpf(BPF_MAP_CREATE)', bpf)

    def perf():
        attr = bytearray(128)
        struct.pack_into('II', attr, 0, 1, 128)  # PERF_TYPE_SOFTWARE, size
        struct.pack_into('Q', attr, 8, 0)  # PERF_COUNT_SW_CPU_CLOCK
        struct.pack_into('Q', attr, 40, 1 | (1 << 5) | (1 << 6))  # disabled, exclude_kernel, exclude_hv
        buf = ctypes.create_string_buffer(bytes(attr), len(attr))
        os.close(syscall('perf_event_open', buf, 0, -1, -1, 0))
    r.attempt('perf_event_open(self)', perf)
    r.attempt('userfaultfd', lambda: os.close(syscall('userfaultfd', os.O_CLOEXEC | 1)))  # UFFD_USER_MODE_ONLY
    keyring_process = -2
    r.attempt('add_key(process keyring)', lambda: syscall('add_key', ctypes.c_char_p(b'user'),
                                                          ctypes.c_char_p(b'csbx-probe'), ctypes.c_char_p(b'x'), 1,
                                                          keyring_process))


def probe_x32(r, _args):
    def x32_socket():
        os.close(syscall(X32_SYSCALL_BIT | NR['socket'], socket.AF_INET, socket.SOCK_STREAM, 0))
    r.attempt('x32 socket(AF_INET)', x32_socket)


# ---- IPC and network --------------------------------------------------------------------------

def connect_and_send(family, kind, proto, address, label, r):
    def go():
        s = socket.socket(family, kind, proto)
        try:
            s.settimeout(3)
            s.connect(address)
            s.sendall(PAYLOAD)
        finally:
            s.close()
    return r.attempt(label, go)


def probe_unix(r, args):
    for path in args:
        connect_and_send(socket.AF_UNIX, socket.SOCK_STREAM, 0, path, 'connect unix ' + path, r)


def probe_abstract(r, args):
    for name in args:
        connect_and_send(socket.AF_UNIX, socket.SOCK_STREAM, 0, '\0' + name, 'connect abstract @' + name, r)


def probe_tcp(r, args):
    host4, port4, host6, port6 = args
    connect_and_send(socket.AF_INET, socket.SOCK_STREAM, 0, (host4, int(port4)), 'tcp %s:%s' % (host4, port4), r)
    connect_and_send(socket.AF_INET6, socket.SOCK_STREAM, 0, (host6, int(port6)), 'tcp [%s]:%s' % (host6, port6), r)
    ipproto_mptcp = 262
    connect_and_send(socket.AF_INET, socket.SOCK_STREAM, ipproto_mptcp, (host4, int(port4)),
                     'mptcp %s:%s' % (host4, port4), r)
    ipproto_sctp = 132
    connect_and_send(socket.AF_INET, socket.SOCK_STREAM, ipproto_sctp, (host4, int(port4)),
                     'sctp %s:%s' % (host4, port4), r)


def probe_udp(r, args):
    host, port = args

    def go():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.sendto(PAYLOAD, (host, int(port)))
        finally:
            s.close()
    r.attempt('udp sendto %s:%s' % (host, port), go)


def probe_families(r, _args):
    cases = [
        ('AF_VSOCK', 40, socket.SOCK_STREAM, 0),
        ('AF_NETLINK', 16, socket.SOCK_RAW, 0),
        ('AF_PACKET', 17, socket.SOCK_RAW, 0),
        ('AF_INET raw ICMP', socket.AF_INET, socket.SOCK_RAW, 1),
        ('AF_INET6 dgram', socket.AF_INET6, socket.SOCK_DGRAM, 0),
    ]
    for label, fam, kind, proto in cases:
        r.attempt('socket(%s)' % label, lambda fam=fam, kind=kind, proto=proto: socket.socket(fam, kind, proto).close())


def probe_access(r, args):
    """The fail-closed matrix's probe: each arg is r:PATH (read), w:PATH (append, creating) or
    n:HOST:PORT (TCP connect); one op per arg, in order, labelled with the arg itself."""
    for arg in args:
        kind, _, target = arg.partition(':')
        if kind == 'r':
            def go(p=target):
                with open(p, 'rb') as f:
                    f.read(1)
        elif kind == 'w':
            def go(p=target):
                fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                os.close(fd)
        else:
            host, _, port = target.rpartition(':')

            def go(h=host, p=int(port)):
                s = socket.create_connection((h, p), timeout=3)
                s.close()
        r.attempt(arg, go)


def probe_env(r, args):
    for name in args:
        r.add('env ' + name, name in os.environ, None, 'present' if name in os.environ else 'absent')


PROBES = {
    'write': probe_write,
    'mkdir-write': probe_mkdir_write,
    'symlink-write': probe_symlink_write,
    'replace-with-symlink': probe_replace_with_symlink,
    'hardlink-write': probe_hardlink_write,
    'rename-parent': probe_rename_parent,
    'proc-alias-write': probe_proc_alias_write,
    'inherited-fds': probe_inherited_fds,
    'truncate': probe_truncate,
    'metadata': probe_metadata,
    'stat': probe_stat,
    'read': probe_read,
    'wait-read': probe_wait_read,
    'handle': probe_handle,
    'userns-remount': probe_userns_remount,
    'chroot-walk': probe_chroot_walk,
    'privileges': probe_privileges,
    'ptrace': probe_ptrace,
    'vm-read': probe_vm_read,
    'environ': probe_environ,
    'kill': probe_kill,
    'tiocsti': probe_tiocsti,
    'daemonize': probe_daemonize,
    'io-uring': probe_io_uring,
    'kernel-surface': probe_kernel_surface,
    'x32': probe_x32,
    'unix': probe_unix,
    'abstract': probe_abstract,
    'tcp': probe_tcp,
    'udp': probe_udp,
    'families': probe_families,
    'env': probe_env,
    'access': probe_access,
}


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in PROBES:
        sys.stderr.write('probes.py: unknown probe; one of: %s\n' % ', '.join(sorted(PROBES)))
        return 2
    r = Report(sys.argv[1])
    try:
        PROBES[sys.argv[1]](r, sys.argv[2:])
    finally:
        r.emit()
    return 0


if __name__ == '__main__':
    sys.exit(main())
