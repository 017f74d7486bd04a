// The last step: become the command. execvp searches PATH (the command's own environment) and
// runs a file without a #! line through /bin/sh, as a shell would.
#include <errno.h>
#include <unistd.h>

#include "helper-config.h"
#include "helper-die.h"

void exec_command(char* const* command) {
  execvp(command[0], command);
  const int err = errno;
  int status = kExitSetup;
  if (err == ENOENT || err == ENOTDIR) status = kExitNotFound;
  if (err == EACCES || err == ENOEXEC || err == EISDIR) status = kExitNotExecutable;
  errno = err;
  die_errno_status(status, "execvp", command[0]);
}
