// Kill-on-close job object (see job.h).
#include "job.h"

#include "win-error.h"

HANDLE create_kill_on_close_job() {
  HANDLE job = CreateJobObjectW(nullptr, nullptr);
  if (job == nullptr) {
    report_win32(L"CreateJobObjectW", L"(unnamed)", GetLastError());
    return nullptr;
  }
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION info;
  ZeroMemory(&info, sizeof(info));
  info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &info, sizeof(info))) {
    report_win32(L"SetInformationJobObject", L"JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE", GetLastError());
    CloseHandle(job);
    return nullptr;
  }
  return job;
}
