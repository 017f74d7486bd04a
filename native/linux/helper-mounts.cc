// --namespaces, second half: the root. The mount steps are bubblewrap's setup operations with the
// same meaning (docs/native.md "The namespaces backend"), applied in argv order:
//   1. all mounts private, so nothing done here propagates back to the host;
//   2. a tmpfs over /tmp becomes a scratch root by pivot_root, with the host's root below it at
//      /oldroot and the sandbox's root being built at /newroot: sources are read from the host
//      as it is, even where the new tree already covers a path (/tmp itself, say);
//   3. each step, host path P read at /oldroot/P and mounted at /newroot/P (a bind reads P with
//      its symlinks resolved on the host first, as bubblewrap does);
//   4. the host's root detached, pivot_root into /newroot, the scratch root detached, chdir.
// Binds get nosuid and nodev (read-only ones also ro) on every mount below them too, through
// mount_setattr(AT_RECURSIVE), which only adds flags, so flags the host locked stay set. The
// mounts cannot be undone from inside: the command has no capabilities, and any namespace it
// could create would see them locked (mount_namespaces(7)).
#include <asm-generic/ioctls.h>
#include <linux/mount.h>

#include "helper-config.h"
#include "helper-die.h"
#include "helper-sys.h"

// umount2's MNT_DETACH, which no UAPI header exports.
constexpr int kMntDetach = 2;

namespace {

constexpr size_t kMaxPath = 4096;
constexpr const char kScratch[] = "/tmp";
constexpr const char kNewRoot[] = "/newroot";
constexpr const char kOldRoot[] = "/oldroot";
// What --dev provides, as bubblewrap's --dev: these host device nodes, bound one by one.
const char* const kDevNodes[] = {"/null", "/zero", "/full", "/random", "/urandom", "/tty"};
// What bubblewrap's --proc covers read-only.
const char* const kProcCovered[] = {"/sys", "/sysrq-trigger", "/irq", "/bus"};

struct MountAttr {
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

// A path with a prefix, bounded: "/newroot" + "/usr" -> "/newroot/usr"; "/" alone adds nothing.
struct PathBuf {
  char text[kMaxPath + 64];
};

void join(PathBuf* out, const char* prefix, const char* path, const char* suffix = "") {
  const size_t prefix_len = strlen(prefix);
  const size_t path_len = path[0] == '/' && path[1] == '\0' ? 0 : strlen(path);
  const size_t suffix_len = strlen(suffix);
  if (path_len > kMaxPath || prefix_len + suffix_len > 60) {
    Line line;
    line_start(&line);
    line_add(&line, "mount path too long: ");
    line_add_value(&line, path);
    die_line(&line, kExitSetup);
  }
  memcpy(out->text, prefix, prefix_len);
  memcpy(out->text + prefix_len, path, path_len);
  memcpy(out->text + prefix_len + path_len, suffix, suffix_len);
  out->text[prefix_len + path_len + suffix_len] = '\0';
}

// a + b, for names below a directory the helper built itself (short, known).
void concat(PathBuf* out, const char* a, const char* b) {
  const size_t a_len = strlen(a);
  const size_t b_len = strlen(b);
  if (a_len + b_len >= sizeof(out->text)) die("mount path too long");
  memcpy(out->text, a, a_len);
  memcpy(out->text + a_len, b, b_len + 1);
}

void must_mount(const char* source, const char* target, const char* type, unsigned long flags, const char* data, const char* what) {
  if (sys_mount(source, target, type, flags, data) != 0) die_errno("mount", what);
}

void set_attrs(const char* target, uint64_t attrs, bool recursive, const char* what) {
  MountAttr attr = {attrs, 0, 0, 0};
  if (sys_mount_setattr(AT_FDCWD, target, recursive ? AT_RECURSIVE : 0, &attr, sizeof(attr)) != 0) die_errno("mount_setattr", what);
}

// mkdir -p below /newroot: components that exist are kept as they are (bubblewrap's ensure_dir),
// new ones get `mode`, the last one `last_mode`.
void make_dirs(char* path, unsigned mode, unsigned last_mode, const char* what) {
  for (char* at = path + 1;; ++at) {
    const bool last = *at == '\0';
    if (*at != '/' && !last) continue;
    *at = '\0';
    if (sys_mkdirat(AT_FDCWD, path, last ? last_mode : mode) != 0 && errno != EEXIST) die_errno("mkdir", what);
    if (last) return;
    *at = '/';
  }
}

void make_parent_dirs(char* path, const char* what) {
  char* slash = nullptr;
  for (char* at = path; *at != '\0'; ++at) {
    if (*at == '/') slash = at;
  }
  if (slash == nullptr || slash == path) return;
  *slash = '\0';
  make_dirs(path, 0755, 0755, what);
  *slash = '/';
}

bool exists(const char* path) {
  struct stat st;
  return sys_fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

// An empty file to mount on, unless something is there already (bubblewrap's ensure_file).
void make_file(char* path, unsigned mode, const char* what) {
  if (exists(path)) return;
  make_parent_dirs(path, what);
  const int fd = sys_openat_mode(AT_FDCWD, path, O_WRONLY | O_CREAT | O_NOCTTY | O_CLOEXEC, mode);
  if (fd < 0) die_errno("create", what);
  sys_close(fd);
}

void mount_point_for(const char* source, char* dest, const char* what) {
  struct stat st;
  if (sys_fstatat(AT_FDCWD, source, &st, 0) != 0) die_errno("stat", what);
  if ((st.st_mode & S_IFMT) == S_IFDIR) {
    make_dirs(dest, 0755, 0755, what);
  } else {
    make_file(dest, 0666, what);
  }
}

bool is_bind(MountKind kind) { return kind == MountKind::kBind || kind == MountKind::kRoBind || kind == MountKind::kRoBindTry; }

// Before the first pivot_root: each bind's source with its symlinks resolved against the host's
// root. Afterwards an absolute link would resolve inside the scratch root instead.
void resolve_sources(HelperConfig* config) {
  size_t binds = 0;
  for (size_t i = 0; i < config->mount_count; ++i) binds += is_bind(config->mounts[i].kind) ? 1 : 0;
  if (binds == 0) return;
  char* block = static_cast<char*>(sys_alloc_zeroed(binds, kMaxPath));
  if (block == nullptr) die_errno("mmap", "mount sources");
  for (size_t i = 0; i < config->mount_count; ++i) {
    MountStep* step = &config->mounts[i];
    if (!is_bind(step->kind)) continue;
    const int fd = sys_openat(AT_FDCWD, step->path, O_PATH | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT && step->kind == MountKind::kRoBindTry) continue;
      die_errno("open", step->path);
    }
    Line link;
    link.len = 0;
    line_add(&link, "/proc/self/fd/");
    line_add_u64(&link, static_cast<uint64_t>(fd));
    link.text[link.len] = '\0';
    const long len = sys_readlinkat(AT_FDCWD, link.text, block, kMaxPath - 1);
    if (len <= 0 || block[0] != '/') die_errno("readlink", step->path);
    block[len] = '\0';
    sys_close(fd);
    step->source = block;
    block += kMaxPath;
  }
}

// A --ro-bind-try whose source is missing has no resolved source and mounts nothing.
void bind(const MountStep* step, PathBuf* source, PathBuf* dest) {
  if (step->source == nullptr) return;
  mount_point_for(source->text, dest->text, step->path);
  must_mount(source->text, dest->text, nullptr, MS_BIND | MS_REC, nullptr, step->path);
  const bool read_only = step->kind != MountKind::kBind;
  set_attrs(dest->text, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (read_only ? MOUNT_ATTR_RDONLY : 0), true, step->path);
}

void symlink_in(const char* target, const char* dir, const char* name) {
  PathBuf link;
  concat(&link, dir, name);
  if (sys_symlinkat(target, AT_FDCWD, link.text) != 0) die_errno("symlink", link.text);
}

// The terminal on stdout, if any, for /dev/console (bubblewrap binds it there too).
bool host_tty(PathBuf* out) {
  struct {
    unsigned char bytes[64];
  } termios;
  if (sys_ioctl(1, TCGETS, sys_arg(&termios)) != 0) return false;
  char target[kMaxPath];
  const long len = sys_readlinkat(AT_FDCWD, "/oldroot/proc/self/fd/1", target, sizeof(target) - 1);
  if (len <= 0 || target[0] != '/') return false;
  target[len] = '\0';
  join(out, kOldRoot, target);
  return true;
}

void mount_dev(const MountStep* step, PathBuf* dest) {
  make_dirs(dest->text, 0755, 0755, step->path);
  must_mount("tmpfs", dest->text, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", step->path);
  for (const char* node : kDevNodes) {
    PathBuf source, target;
    join(&source, kOldRoot, "/dev", node);
    concat(&target, dest->text, node);
    make_file(target.text, 0666, step->path);
    must_mount(source.text, target.text, nullptr, MS_BIND, nullptr, source.text + sizeof(kOldRoot) - 1);
    set_attrs(target.text, MOUNT_ATTR_NOSUID, false, source.text + sizeof(kOldRoot) - 1);
  }
  symlink_in("/proc/self/fd/0", dest->text, "/stdin");
  symlink_in("/proc/self/fd/1", dest->text, "/stdout");
  symlink_in("/proc/self/fd/2", dest->text, "/stderr");
  symlink_in("/proc/self/fd", dest->text, "/fd");
  symlink_in("/proc/kcore", dest->text, "/core");
  PathBuf shm, pts;
  concat(&shm, dest->text, "/shm");
  concat(&pts, dest->text, "/pts");
  if (sys_mkdirat(AT_FDCWD, shm.text, 0755) != 0) die_errno("mkdir", "/dev/shm");
  if (sys_mkdirat(AT_FDCWD, pts.text, 0755) != 0) die_errno("mkdir", "/dev/pts");
  must_mount("devpts", pts.text, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620", "/dev/pts");
  symlink_in("pts/ptmx", dest->text, "/ptmx");
  PathBuf tty;
  if (host_tty(&tty)) {
    PathBuf console;
    concat(&console, dest->text, "/console");
    make_file(console.text, 0666, "/dev/console");
    must_mount(tty.text, console.text, nullptr, MS_BIND, nullptr, "/dev/console");
    set_attrs(console.text, MOUNT_ATTR_NOSUID, false, "/dev/console");
  }
}

// "mode=0NNNN" for a tmpfs.
void mode_option(char* out, unsigned mode) {
  const char prefix[] = "mode=0";
  memcpy(out, prefix, sizeof(prefix) - 1);
  char* at = out + sizeof(prefix) - 1;
  for (int shift = 9; shift >= 0; shift -= 3) *at++ = static_cast<char>('0' + ((mode >> shift) & 7));
  *at = '\0';
}

// --ro-bind-data: an empty file of the step's mode in the scratch root, bound read-only at the
// path, then unlinked (the mount keeps it).
void mount_data(const MountStep* step, PathBuf* dest, size_t index) {
  Line name;
  name.len = 0;
  line_add(&name, "/data-");
  line_add_u64(&name, index);
  name.text[name.len] = '\0';
  const unsigned mode = step->perms >= 0 ? static_cast<unsigned>(step->perms) : 0600;
  const int fd = sys_openat_mode(AT_FDCWD, name.text, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) die_errno("create", name.text);
  sys_close(fd);
  make_file(dest->text, 0666, step->path);
  must_mount(name.text, dest->text, nullptr, MS_BIND, nullptr, step->path);
  set_attrs(dest->text, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, false, step->path);
  if (sys_unlinkat(AT_FDCWD, name.text, 0) != 0) die_errno("unlink", name.text);
}

// A fresh procfs, with what bubblewrap's --proc covers read-only: those of its parts this
// process could write, each bound onto itself (from the new procfs, so the flags are its own).
void mount_proc(const MountStep* step, PathBuf* dest) {
  make_dirs(dest->text, 0755, 0755, step->path);
  must_mount("proc", dest->text, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, nullptr, step->path);
  for (const char* part : kProcCovered) {
    PathBuf path;
    concat(&path, dest->text, part);
    if (sys_faccessat(AT_FDCWD, path.text, 2 /* W_OK */) != 0) continue;
    must_mount(path.text, path.text, nullptr, MS_BIND | MS_REC, nullptr, path.text + sizeof(kNewRoot) - 1);
    set_attrs(path.text, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, true, path.text + sizeof(kNewRoot) - 1);
  }
}

void run_step(const MountStep* step, size_t index) {
  PathBuf source, dest;
  join(&source, kOldRoot, step->source != nullptr ? step->source : step->path);
  join(&dest, kNewRoot, step->path);
  switch (step->kind) {
    case MountKind::kBind:
    case MountKind::kRoBind:
    case MountKind::kRoBindTry: bind(step, &source, &dest); return;
    case MountKind::kDev: mount_dev(step, &dest); return;
    case MountKind::kTmpfs: {
      char options[16];
      mode_option(options, step->perms >= 0 ? static_cast<unsigned>(step->perms) : 0755);
      make_dirs(dest.text, 0755, 0755, step->path);
      must_mount("tmpfs", dest.text, "tmpfs", MS_NOSUID | MS_NODEV, options, step->path);
      return;
    }
    case MountKind::kDir: make_dirs(dest.text, 0755, step->perms >= 0 ? static_cast<unsigned>(step->perms) : 0755, step->path); return;
    case MountKind::kFile: make_file(dest.text, step->perms >= 0 ? static_cast<unsigned>(step->perms) : 0666, step->path); return;
    case MountKind::kRemountRo: set_attrs(dest.text, MOUNT_ATTR_RDONLY, false, step->path); return;
    case MountKind::kRoBindData: mount_data(step, &dest, index); return;
    case MountKind::kProc: mount_proc(step, &dest); return;
  }
}

// The directory the command starts in, as bubblewrap picks it: --chdir (which must work), else
// the caller's cwd if the sandbox shows it, else $HOME, else /.
const char* enter_cwd(const HelperConfig* config, const char* old_cwd) {
  if (config->chdir != nullptr) {
    if (sys_chdir(config->chdir) != 0) die_errno("chdir", config->chdir);
    return config->chdir;
  }
  if (old_cwd != nullptr && sys_chdir(old_cwd) == 0) return old_cwd;
  for (char* const* entry = config->caller_env; *entry != nullptr; ++entry) {
    const char* var = *entry;
    if (var[0] == 'H' && var[1] == 'O' && var[2] == 'M' && var[3] == 'E' && var[4] == '=') {
      if (var[5] != '\0' && sys_chdir(var + 5) == 0) return var + 5;
      break;
    }
  }
  return "/";
}

}  // namespace

void build_root(HelperConfig* config) {
  static char old_cwd[kMaxPath];
  const char* cwd = sys_getcwd(old_cwd, sizeof(old_cwd)) > 0 ? old_cwd : nullptr;
  // The modes the steps name are exact, as in bubblewrap: no umask applies while building.
  const unsigned umask = sys_umask(0);
  resolve_sources(config);

  must_mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr, "/ (private)");
  must_mount("tmpfs", kScratch, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700", "/tmp (scratch root)");
  if (sys_chdir(kScratch) != 0) die_errno("chdir", kScratch);
  if (sys_mkdirat(AT_FDCWD, "newroot", 0755) != 0) die_errno("mkdir", "newroot");
  if (sys_mkdirat(AT_FDCWD, "oldroot", 0755) != 0) die_errno("mkdir", "oldroot");
  // pivot_root needs the new root to be a mount point; the first step may cover it.
  must_mount("newroot", "newroot", nullptr, MS_BIND | MS_REC, nullptr, "newroot");
  if (sys_pivot_root(".", "oldroot") != 0) die_errno("pivot_root", "scratch root");
  if (sys_chdir("/") != 0) die_errno("chdir", "/");

  for (size_t i = 0; i < config->mount_count; ++i) run_step(&config->mounts[i], i);

  if (sys_umount2(kOldRoot, kMntDetach) != 0) die_errno("umount", "host root");
  if (sys_chdir(kNewRoot) != 0) die_errno("chdir", kNewRoot);
  if (sys_pivot_root(".", ".") != 0) die_errno("pivot_root", "sandbox root");
  // The scratch root is now stacked below the sandbox's root at /; detach it.
  if (sys_umount2(".", kMntDetach) != 0) die_errno("umount", "scratch root");
  if (sys_chdir("/") != 0) die_errno("chdir", "/");
  sys_umask(umask);

  static char pwd[kMaxPath + 8];
  const char* dir = enter_cwd(config, cwd);
  const size_t len = strlen(dir);
  memcpy(pwd, "PWD=", 4);
  memcpy(pwd + 4, dir, len + 1);
  config->env_assignments[config->env_count++] = pwd;
}
