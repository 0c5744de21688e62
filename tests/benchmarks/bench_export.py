"""Results workbook at ten times the largest edition: 10,000 entries, 1,000 judges,
5 judges an entry (50,000 score sheets, 250,000 criterion scores).

Each variant runs in its own process so peak memory (ru_maxrss) is its own. Compared
with a plain DataFrame.to_excel (openpyxl engine) of the same sheets.

    .venv/bin/pytest tests/benchmarks/bench_export.py -s
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SETUP = textwrap.dedent("""
    import io, json, resource, time
    from datetime import datetime, timezone, timedelta
    import numpy as np, pandas as pd

    def make_book(n_entries=10_000, n_judges=1_000, per_entry=5):
        rng = np.random.default_rng(7)
        criteria = ["advancement", "patent_quality", "layout", "market", "commercialisation"]
        points = np.array([25, 20, 20, 20, 15])
        codes = np.array([f"GBA25-{i:05d}" for i in range(n_entries)], dtype=object)
        emails = np.array([f"judge{j:04d}@example.org" for j in range(n_judges)], dtype=object)
        groups = np.where(np.arange(n_entries) % 2 == 0, "startup", "growth").astype(object)
        judge_of = (np.arange(n_entries)[:, None] * per_entry
                    + np.arange(per_entry)[None, :]) % n_judges
        quality = rng.normal(0.65, 0.12, n_entries)
        fractions = np.clip(quality[:, None, None]
                            + rng.normal(0, 0.1, (n_entries, per_entry, len(criteria))), 0, 1)
        raw = np.round(fractions * points[None, None, :])
        totals = raw.sum(axis=2)
        mean = totals.mean(axis=1)
        adjusted = mean + rng.normal(0, 1.5, n_entries)
        rank = (pd.Series(adjusted).groupby(groups).rank(ascending=False, method="first")
                .astype(int).to_numpy())
        titles = np.array([f"Portfolio {i}: low-power sensing" for i in range(n_entries)],
                          dtype=object)
        titles[::997] = '=HYPERLINK("http://evil.example","click")'
        ranking = pd.DataFrame({
            "rank": rank, "group": groups, "category": "invention", "entry_code": codes,
            "title": titles, "applicant": [f"Applicant {i % 3000} Ltd" for i in range(n_entries)],
            "adjusted_score": adjusted, "raw_mean": mean, "n_judges": per_entry,
            "rank_low": np.maximum(rank - 3, 1), "rank_high": rank + 3,
            "flags": np.where(rng.random(n_entries) < 0.05, "large disagreement", ""),
            "decision": np.where(rank <= 100, "advanced", ""),
            "score_low": adjusted - 3.0, "score_high": adjusted + 3.0,
            "region": rng.choice(["guangdong", "hong_kong", "macao", "mainland_other",
                                  "overseas"], n_entries),
            "track": rng.choice(["semiconductors", "new_energy", "biomedicine"], n_entries),
        })
        n_scores = n_entries * per_entry * len(criteria)
        scores = pd.DataFrame({
            "round": "preliminary", "sheet": "expert_review",
            "entry_code": np.repeat(codes, per_entry * len(criteria)),
            "judge_email": np.repeat(emails[judge_of.ravel()], len(criteria)),
            "criterion": np.tile(criteria, n_entries * per_entry),
            "score": raw.ravel(),
            "comment": np.where(np.arange(n_scores) % 11 == 0, "solid layout, weak market", None),
        })
        crit_mean = raw.mean(axis=1)
        criteria_frame = pd.DataFrame({
            "group": np.repeat(groups, len(criteria)),
            "entry_code": np.repeat(codes, len(criteria)),
            "sheet": "expert_review", "criterion": np.tile(criteria, n_entries),
            "mean": crit_mean.ravel(), "sd": raw.std(axis=1).ravel(),
            "max_points": np.tile(points, n_entries),
        })
        start = datetime(2025, 5, 1, tzinfo=timezone.utc)
        assignments = pd.DataFrame({
            "round": "preliminary", "entry_code": np.repeat(codes, per_entry),
            "judge_email": emails[judge_of.ravel()], "status": "submitted",
            "assigned_at": [start + timedelta(minutes=i % 5000)
                            for i in range(n_entries * per_entry)],
        })
        judges = pd.DataFrame({"judge_email": emails, "ratings": 50,
                               "leniency": rng.normal(0, 3, n_judges),
                               "leniency_se": 0.8, "consensus_r": rng.uniform(0.3, 0.9, n_judges)})
        reliability = pd.DataFrame({"measure": ["alpha_raw", "alpha_adjusted"],
                                    "value": [0.41, 0.58]})
        rubric = pd.DataFrame({"round": "preliminary", "sheet": "expert_review",
                               "criterion": criteria,
                               "max_points": points, "weight": points / 100})
        statistics = pd.DataFrame({"dimension": "region", "value": ["guangdong", "hong_kong"],
                                   "entries": [6000, 4000], "advanced": [120, 80]})
        return dict(ranking=ranking, criteria=criteria_frame, scores=scores, judges=judges,
                    reliability=reliability, assignments=assignments, rubric=rubric,
                    statistics=statistics)

    def peak_mib():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
""")

OURS = SETUP + textwrap.dedent("""
    from contest.excel import writer
    frames = make_book()
    base = peak_mib()
    t0 = time.perf_counter()
    book = writer.ResultsBook(edition="GBA 2025", round="preliminary", method="model",
                              generated_at=datetime.now(timezone.utc),
                              counts={"entries": 10_000, "judges": 1_000, "sheets": 50_000},
                              **frames)
    data = writer.results_workbook(book)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "peak_mib": peak_mib(), "data_mib": base,
                      "size_mib": len(data) / 2**20}))
""")

PLAIN = SETUP + textwrap.dedent("""
    frames = make_book()
    frames["assignments"]["assigned_at"] = frames["assignments"]["assigned_at"].dt.tz_localize(None)
    base = peak_mib()
    t0 = time.perf_counter()
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as xl:
        for name, frame in frames.items():
            frame.to_excel(xl, sheet_name=name, index=False)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "peak_mib": peak_mib(), "data_mib": base,
                      "size_mib": len(out.getvalue()) / 2**20}))
""")


def _run(script: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=900)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_results_workbook_for_ten_thousand_entries_is_fast_and_lean():
    ours = _run(OURS)
    plain = _run(PLAIN)
    print()
    print("results workbook, 10,000 entries / 50,000 sheets / 250,000 criterion scores")
    for name, figures in (("contest.excel.results_workbook", ours),
                          ("plain DataFrame.to_excel (openpyxl)", plain)):
        print(f"  {name:38s} {figures['seconds']:6.1f} s  peak RSS {figures['peak_mib']:6.0f} MiB"
              f"  (data alone {figures['data_mib']:.0f} MiB)  file {figures['size_mib']:.1f} MiB")
    assert ours["seconds"] < 20
    assert ours["peak_mib"] < 1024
