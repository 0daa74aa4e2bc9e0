"""Training time and quality of the picture and music models (issue 12), printed.

    .venv/bin/python benchmarks/bench_domains.py            # both domains, fresh training
    .venv/bin/python benchmarks/bench_domains.py picture    # one domain

Each domain is trained from scratch with ``domains.train_domain`` (the cache is neither
read nor written), one BLAS thread, then measured with ``domains.measure``. CPU seconds are
the process's (all threads); wall seconds depend on how busy the machine is.
"""
from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from genai_lab.domains import DOMAINS, TRAINING, measure, report_table, train_domain  # noqa: E402


def main(domains: list[str]) -> None:
    reports = []
    for domain in domains:
        dm = train_domain(domain)
        start = time.perf_counter()
        report = measure(dm)
        print(f"{domain}: settings {TRAINING[domain]}; training {dm.cpu_seconds:.1f} s CPU, "
              f"{dm.wall_seconds:.1f} s wall; final/floor {report.final_over_floor:.3f}; "
              f"valid at the default {100 * report.quality.default.acceptance:.1f}%; "
              f"new {report.novel}/{report.n}, copied {report.copied}/{report.n}; "
              f"measuring {time.perf_counter() - start:.1f} s wall", flush=True)
        reports.append(report)
    print(report_table(reports))
    for report in reports:
        print(report.quality)


if __name__ == "__main__":
    main(sys.argv[1:] or list(DOMAINS))
