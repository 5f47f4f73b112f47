"""What a class period measured and how bench/classload.py reports it: the request types and
their targets, each round's results (latencies, errors, attempts, CPU), the median of rounds,
and the tables, the one-line summary and the timeline it prints."""

import math
import os
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

SIGNIN_TARGET_MS = 1000.0
OTHER_TARGET_MS = 300.0

# Request types, in the order a student meets them; the teacher's last.
SIGNIN_POST = "sign-in POST"
LABELS = (
    "sign-in page",
    SIGNIN_POST,
    "/learn",
    "module page",
    "start POST",
    "lesson step",
    "Next POST",
    "Finish POST",
    "lesson end",
    "quiz page",
    "quiz POST",
    "attempt page",
    "class dashboard",
)


@dataclass
class Results:
    latencies: dict = field(default_factory=lambda: {label: [] for label in LABELS})
    errors: list = field(default_factory=list)
    finished: int = 0
    seconds: float = 0.0
    bell: float = 0.0
    timeline: list = field(default_factory=list)  # (seconds after the bell it started, label, seconds)
    samples: list = field(default_factory=list)  # (seconds after the bell, cores' CPU s, server's CPU s)


ACCESS_LINE = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d+) \S+ (\d+)ms')


def worker_times(access_log: Path) -> dict[str, list[float]]:
    """In-worker milliseconds from the access log: sign-in POSTs and every other request."""
    times: dict[str, list[float]] = {SIGNIN_POST: [], "other": []}
    for line in access_log.read_text(errors="replace").splitlines():
        if match := ACCESS_LINE.search(line):
            method, path, _status, ms = match.groups()
            times[SIGNIN_POST if (method, path) == ("POST", "/login") else "other"].append(float(ms))
    return times


def percentile(values: list[float], share: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Run:
    """One ring of the bell at one N."""

    classes: int
    results: Results
    attempts: dict  # student id: attempts of today's module found in the database afterwards
    expected: int
    server_cpu: float
    machine_cpu: float
    bench_cpu: float
    database_cpu: float
    workers: int
    in_worker: dict

    def p(self, label: str, share: float) -> float | None:
        values = self.results.latencies[label]
        return percentile(values, share) * 1000 if values else None

    @property
    def errors(self) -> int:
        return len(self.results.errors)

    @property
    def attempts_exact(self) -> bool:
        return all(count == 1 for count in self.attempts.values()) and len(self.attempts) == self.expected

    @property
    def others_share(self) -> float:
        """The share of all cores that other processes (not the server, the database or this
        load generator) used during the run: other work on a shared machine."""
        others = self.machine_cpu - self.server_cpu - self.bench_cpu - self.database_cpu
        return max(0.0, others) / max(0.001, self.results.seconds) / (os.cpu_count() or 1)


@dataclass
class Level:
    """The rounds run at one N: each percentile is the median of the rounds' percentiles."""

    runs: list

    @property
    def classes(self) -> int:
        return self.runs[0].classes

    @property
    def expected(self) -> int:
        return self.runs[0].expected

    def p(self, label: str, share: float) -> float | None:
        values = [v for run in self.runs if (v := run.p(label, share)) is not None]
        return statistics.median(values) if values else None

    @property
    def errors(self) -> int:
        return sum(run.errors for run in self.runs)

    def misses(self) -> list[str]:
        missed = []
        for label in LABELS:
            p95 = self.p(label, 0.95)
            limit = SIGNIN_TARGET_MS if label == SIGNIN_POST else OTHER_TARGET_MS
            if p95 is None:
                missed.append(f"no {label}")
            elif p95 > limit:
                missed.append(f"{label} p95 {p95:,.0f} ms")
        if self.errors:
            missed.append(f"{self.errors} errors")
        if not all(run.attempts_exact for run in self.runs):
            missed.append("attempts")
        return missed


def ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def attempts_cell(run: Run) -> str:
    recorded = sum(run.attempts.values())
    missing = sum(1 for count in run.attempts.values() if count == 0)
    twice = sum(1 for count in run.attempts.values() if count > 1)
    cell = f"{recorded}/{run.expected}"
    if missing or twice:
        cell += f" ({missing} missing, {twice} more than once)"
    return cell


def print_tables(levels: list[Level]) -> None:
    rounds = len(levels[0].runs)
    print(
        "\np50 / p95 in ms, as each client saw it (connect to last byte)"
        + (f", each the median of {rounds} rounds" if rounds > 1 else "")
        + "; other load: the share of the cores other processes used during the run:\n"
    )
    print("| N (students) | " + " | ".join(LABELS) + " | errors | attempts | other load | holds |")
    print("|" + " --- |" * (len(LABELS) + 5))
    for level in levels:
        cells = [f"{ms(level.p(label, 0.5))} / {ms(level.p(label, 0.95))}" for label in LABELS]
        attempts = ", ".join(attempts_cell(run) for run in level.runs)
        others = ", ".join(f"{run.others_share:.0%}" for run in level.runs)
        print(
            f"| {level.classes} ({level.expected}) | "
            + " | ".join(cells)
            + f" | {level.errors} | {attempts} | {others} | {'no' if level.misses() else 'yes'} |"
        )
    print("\nThe same, a request type per row (p50 / p95 ms; n = requests in a round at the largest N):\n")
    print("| request | " + " | ".join(f"N = {level.classes}" for level in levels) + " | n |")
    print("|" + " --- |" * (len(levels) + 2))
    for label in LABELS:
        cells = [f"{ms(level.p(label, 0.5))} / {ms(level.p(label, 0.95))}" for level in levels]
        print(
            f"| {label} | " + " | ".join(cells) + f" | {len(levels[-1].runs[0].results.latencies[label])} |"
        )


def describe(run: Run, check_ms: float) -> str:
    results = run.results
    requests = sum(len(v) for v in results.latencies.values())
    signins = len(run.in_worker[SIGNIN_POST])
    signin_ms, other_ms = sum(run.in_worker[SIGNIN_POST]), sum(run.in_worker["other"])
    share = signin_ms / max(1.0, signin_ms + other_ms)
    worker = (
        (
            f"in-worker p50/p95 (access log): sign-in POST {ms(percentile(run.in_worker[SIGNIN_POST], 0.5))}/"
            f"{ms(percentile(run.in_worker[SIGNIN_POST], 0.95))} ms, other "
            f"{ms(percentile(run.in_worker['other'], 0.5))}/{ms(percentile(run.in_worker['other'], 0.95))} ms; "
            f"sign-ins are {signins / max(1, signins + len(run.in_worker['other'])):.0%} of requests and "
            f"{share:.0%} of worker time"
        )
        if signins
        else "no access log lines"
    )
    return (
        f"N = {run.classes}: {results.finished}/{run.expected} students done in {results.seconds:.1f} s, "
        f"{requests:,} requests, {run.errors} errors; server CPU {run.server_cpu:.1f} s, of which "
        f"password checks ~{signins * check_ms / 1000:.1f} s ({signins} × {check_ms:.0f} ms, "
        f"{signins * check_ms / 1000 / max(0.001, run.server_cpu):.0%}), the other "
        f"{len(run.in_worker['other']):,} requests "
        f"{(run.server_cpu - signins * check_ms / 1000) * 1000 / max(1, len(run.in_worker['other'])):.1f} ms "
        f"each; load generator "
        f"{run.bench_cpu:.1f} s"
        + (f", PostgreSQL {run.database_cpu:.1f} s" if run.database_cpu else "")
        + f"; cores busy {run.machine_cpu / results.seconds / (os.cpu_count() or 1):.0%}, "
        f"{run.others_share:.0%} by other processes; {worker}"
        + (
            "; misses: " + ", ".join(Level([run]).misses())
            if Level([run]).misses()
            else "; holds every target"
        )
    )


TIMELINE_WINDOW = 4.0


def timeline(results: Results) -> str:
    """The period in windows of a few seconds from the bell: requests started, their p95 (sign-in
    POSTs apart), and how busy the cores and the server were."""
    lines = [
        f"  timeline ({TIMELINE_WINDOW:.0f} s windows from the bell): start | requests | p95 pages ms | "
        "p95 sign-in POST ms | cores busy | server's share of the cores"
    ]
    windows: dict[int, list] = {}
    for started, label, took in results.timeline:
        windows.setdefault(int(max(0.0, started) // TIMELINE_WINDOW), []).append((label, took * 1000))
    samples = results.samples
    cores = os.cpu_count() or 1
    for window in sorted(windows):
        start, end = window * TIMELINE_WINDOW, (window + 1) * TIMELINE_WINDOW
        within = [s for s in samples if start <= s[0] <= end]
        busy = server = "-"
        if len(within) >= 2:
            span = (within[-1][0] - within[0][0]) * cores
            busy = f"{(within[-1][1] - within[0][1]) / span:.0%}"
            server = f"{(within[-1][2] - within[0][2]) / span:.0%}"
        pages = [ms for label, ms in windows[window] if label != SIGNIN_POST]
        signins = [ms for label, ms in windows[window] if label == SIGNIN_POST]
        lines.append(
            f"  {start:4.0f} s | {len(windows[window]):5} | "
            f"{ms(percentile(pages, 0.95) if pages else None):>6} | "
            f"{ms(percentile(signins, 0.95) if signins else None):>6} | {busy:>4} | {server:>4}"
        )
    return "\n".join(lines)
