"""What the class-period benchmark reads of the machine: processes' CPU seconds and PSS, the
PostgreSQL backends serving its database, how busy the cores are, and waiting for them to be
quiet (Linux /proc)."""

import contextlib
import os
import re
import time
import urllib.parse
from pathlib import Path

QUIET_WAIT = float(os.environ.get("BENCH_QUIET_WAIT", "120"))
NICE = int(os.environ.get("BENCH_NICE", "0"))


def process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if re.search(rf"^PPid:\s+{pid}$", status.read_text(), re.M):
                found.append(int(status.parent.name))
        except OSError:
            continue
    return found


def server_processes(master: int) -> list[int]:
    """gunicorn's master and every process under it: its workers and their hashing processes."""
    pids, waiting = [master], [master]
    while waiting:
        below = children(waiting.pop())
        pids += below
        waiting += below
    return pids


def pss_mib(pids: list[int]) -> float:
    """The proportional set size of the processes together: shared pages counted once."""
    total_kib = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kib += int(line.split()[1])
    return total_kib / 1024


def server_cpu(pids: list[int]) -> dict[int, float]:
    seconds = {}
    for pid in pids:
        try:
            seconds[pid] = process_cpu_seconds(pid)
        except OSError:
            continue
    return seconds


def postmaster(database_url: str) -> int | None:
    """The pid of the PostgreSQL server of the benchmark's database, when it runs on this machine."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        backend = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        try:
            status = Path(f"/proc/{backend}/status").read_text()
        except OSError:
            status = ""
    engine.dispose()
    found = re.search(r"^PPid:\s+(\d+)$", status, re.M)
    return int(found.group(1)) if found else None


_postmasters: dict[str, int | None] = {}


def database_cpu(database_url: str) -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends serving the benchmark's database, by pid (only
    that server's: another PostgreSQL on the machine may hold a database of the same name)."""
    if database_url.startswith("sqlite"):
        return {}
    if database_url not in _postmasters:
        _postmasters[database_url] = postmaster(database_url)
    parent = _postmasters[database_url]
    name = f" {urllib.parse.urlsplit(database_url).path.lstrip('/')} ".encode()
    backends = []
    for pid in server_processes(parent)[1:] if parent else []:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if cmdline.startswith(b"postgres: ") and name in cmdline:
            backends.append(pid)
    prioritize(backends)
    return server_cpu(backends)


def prioritize(pids, nice: int = NICE) -> None:
    """Set the processes' nice and their autogroups' (/proc/PID/autogroup), when BENCH_NICE asks."""
    if not NICE:
        return
    for pid in pids:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, nice)
            Path(f"/proc/{pid}/autogroup").write_text(str(nice))


def wait_for_quiet(limit: float = QUIET_WAIT) -> None:
    """Wait (at most `limit` seconds) for 3 s in which the cores are less than 15 % busy: other
    work on a shared machine skews every figure. Says so when it waited or gave up."""
    started = time.perf_counter()
    while True:
        before = machine_busy()
        time.sleep(3)
        busy = (machine_busy() - before) / 3 / (os.cpu_count() or 1)
        waited = time.perf_counter() - started
        if busy < 0.15:
            if waited > 4:
                print(f"  (waited {waited:.0f} s for the machine to be quiet)")
            return
        if waited > limit:
            print(f"  (the machine stayed {busy:.0%} busy for {waited:.0f} s: measuring anyway)")
            return


def machine_busy() -> float:
    """CPU seconds spent so far by all cores (not idle, not waiting), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")
