"""Benchmarks, run by hand (never by the tests), each starting and stopping its own gunicorn on
127.0.0.1 with gunicorn.conf.py and a fresh database; BENCH_DATABASE_URL points either at an empty
PostgreSQL database instead of SQLite.

- `bench/run.py`: pages under steady load. A 2,000-student school, ten signed-in clients, wrk
  for each page (requests/s, p50, p95, the ratio to /healthz), peak RSS, a 500-row import.
- `bench/classload.py`: the class period. N classes of 35 students arrive at the bell and sign
  in within 10 s (each with a real hash of their own password), read a lesson, take the quiz;
  the teachers reload their dashboards. p50/p95 per request type, errors, attempts recorded,
  and the largest N (1, 2, 4, 8, 12) that holds issue 18's targets.
"""
