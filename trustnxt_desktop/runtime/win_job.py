"""Windows: cap a parser worker's memory with a Job Object (Windows has no RLIMIT_AS).

A worker calls limit_own_memory() as it starts (runtime.isolation): it creates a Job Object of its
own with JOB_OBJECT_LIMIT_PROCESS_MEMORY and puts itself into it. From then on an allocation that
would take the worker's committed memory past the limit fails (Python raises MemoryError, which the
worker reports as "ran out of memory"; C code that aborts instead is reported as a crash). Windows 8
and later allow nested jobs, so this also works when the app itself runs inside a job.

Only ctypes from the standard library. The structures are declared with fixed-size ctypes types, so
their layout can be checked on any platform (tests/reliability/test_isolation.py); the calls run only
on Windows.
"""

from __future__ import annotations

import ctypes
import sys

JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9  # JOBOBJECTINFOCLASS JobObjectExtendedLimitInformation
JOB_OBJECT_LIMIT_PROCESS_MEMORY = 0x00000100

_DWORD = ctypes.c_uint32
_LARGE_INTEGER = ctypes.c_int64
_ULONG_PTR = ctypes.c_size_t  # pointer-sized, like SIZE_T


class IoCounters(ctypes.Structure):  # IO_COUNTERS
    _fields_ = [("ReadOperationCount", ctypes.c_uint64), ("WriteOperationCount", ctypes.c_uint64),
                ("OtherOperationCount", ctypes.c_uint64), ("ReadTransferCount", ctypes.c_uint64),
                ("WriteTransferCount", ctypes.c_uint64), ("OtherTransferCount", ctypes.c_uint64)]


class BasicLimitInformation(ctypes.Structure):  # JOBOBJECT_BASIC_LIMIT_INFORMATION
    _fields_ = [("PerProcessUserTimeLimit", _LARGE_INTEGER), ("PerJobUserTimeLimit", _LARGE_INTEGER),
                ("LimitFlags", _DWORD), ("MinimumWorkingSetSize", ctypes.c_size_t),
                ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", _DWORD),
                ("Affinity", _ULONG_PTR), ("PriorityClass", _DWORD), ("SchedulingClass", _DWORD)]


class ExtendedLimitInformation(ctypes.Structure):  # JOBOBJECT_EXTENDED_LIMIT_INFORMATION
    _fields_ = [("BasicLimitInformation", BasicLimitInformation), ("IoInfo", IoCounters),
                ("ProcessMemoryLimit", ctypes.c_size_t), ("JobMemoryLimit", ctypes.c_size_t),
                ("PeakProcessMemoryUsed", ctypes.c_size_t), ("PeakJobMemoryUsed", ctypes.c_size_t)]


def memory_limit(limit_bytes: int) -> ExtendedLimitInformation:
    """The limit information that caps each process of a job at `limit_bytes` of committed memory."""
    info = ExtendedLimitInformation()
    info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_PROCESS_MEMORY
    info.ProcessMemoryLimit = limit_bytes
    return info


_job: int | None = None  # this process's Job Object handle, kept open for the process's life


def limit_own_memory(limit_bytes: int) -> bool:
    """Put the calling process into a new Job Object that caps its memory; False where that is not
    possible (not Windows, or Windows refused), and the process then runs without the cap."""
    global _job
    if sys.platform != "win32":
        return False
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.CreateJobObjectW.restype = ctypes.c_void_p
    kernel32.CreateJobObjectW.argtypes = [ctypes.c_void_p, ctypes.c_wchar_p]
    kernel32.SetInformationJobObject.restype = ctypes.c_int
    kernel32.SetInformationJobObject.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, _DWORD]
    kernel32.AssignProcessToJobObject.restype = ctypes.c_int
    kernel32.AssignProcessToJobObject.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    kernel32.GetCurrentProcess.restype = ctypes.c_void_p
    kernel32.GetCurrentProcess.argtypes = []
    kernel32.CloseHandle.restype = ctypes.c_int
    kernel32.CloseHandle.argtypes = [ctypes.c_void_p]

    job = kernel32.CreateJobObjectW(None, None)
    if not job:
        return False
    info = memory_limit(limit_bytes)
    if not (kernel32.SetInformationJobObject(job, JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS, ctypes.byref(info),
                                             ctypes.sizeof(info))
            and kernel32.AssignProcessToJobObject(job, kernel32.GetCurrentProcess())):
        kernel32.CloseHandle(job)
        return False
    _job = job
    return True


__all__ = ["ExtendedLimitInformation", "limit_own_memory", "memory_limit"]
