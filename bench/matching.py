"""Benchmark of the pure matching engine (matching/engine*.py) on synthetic cohorts.

    python bench/matching.py                      # small + medium (a couple of minutes)
    python bench/matching.py --sizes large        # 100,000 mentees x 20,000 mentors
    python bench/matching.py --sizes small,medium,large

Every figure is printed next to a baseline measured in the same run (a plain float32 matrix
product of the same shape for scoring, the greedy solver for assignment, SciPy's
linear_sum_assignment / OR-Tools on all pairs for optimality), because a neighbour's load on a
shared 2-core machine can halve any absolute number.

Synthetic cohorts: ~300 skill tags with Zipf-like popularity grouped in 15 fields, 40
interests, goals/bio text drawn from field vocabularies (LSA text mode), 13 time zones, 1-3 of
8 languages (shared language required: roughly a third of all pairs are ineligible),
mentee 1-10 h/week, mentor 1-8 h/week and capacity 1-5, up to 3 ranked preferences, a review
score for half of the applications, ~0.6 explicit forbidden / ruled-out pairs per mentee and a
few locked pairs.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# this file is called matching.py: make sure "matching" resolves to the app package, not to us
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import numpy as np  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402

from matching import engine as E  # noqa: E402
from matching.engine_score import _factors, _layout  # noqa: E402

TZ_HOURS = [-8, -7, -6, -5, -4, -3, 0, 1, 2, 3, 5.5, 8, 9]
LANGS = ["en", "es", "pt", "fr", "de", "zh", "hi", "ar"]
LANG_P = np.array([0.55, 0.15, 0.08, 0.07, 0.05, 0.04, 0.03, 0.03])


# --------------------------------------------------------------------------- synthetic data


def synth(n: int, m: int, seed: int = 0, n_skills: int = 300, n_fields: int = 15, n_locks: int = 20) -> dict:
    rng = np.random.default_rng(seed)
    field_of_skill = rng.integers(0, n_fields, n_skills)
    pop = 1.0 / np.arange(1, n_skills + 1) ** 0.8
    rng.shuffle(pop)
    by_field = [np.flatnonzero(field_of_skill == f) for f in range(n_fields)]
    p_field = [pop[s] / pop[s].sum() for s in by_field]
    p_all = pop / pop.sum()
    words_field = [[f"f{f}w{w}" for w in range(40)] for f in range(n_fields)]
    generic = [f"g{w}" for w in range(200)]

    def skills(fields, kmin, kmax):
        out = []
        ks = rng.integers(kmin, kmax + 1, len(fields))
        for f, k in zip(fields, ks, strict=True):  # loop over people (data generation only)
            own = rng.choice(by_field[f], size=min(len(by_field[f]), max(1, int(k * 0.7))), replace=False, p=p_field[f])
            other = rng.choice(n_skills, size=k - len(own), replace=False, p=p_all)
            out.append(sorted(set(own.tolist()) | set(other.tolist())))
        return out

    def interests(count):
        return [sorted(rng.choice(40, size=k, replace=False).tolist()) for k in rng.integers(2, 6, count)]

    def texts(fields, lo, hi):
        out = []
        for f, k in zip(fields, rng.integers(lo, hi, len(fields)), strict=True):
            nf = rng.binomial(k, 0.5)
            ws = [words_field[f][x] for x in rng.integers(0, 40, nf)] + [generic[x] for x in rng.integers(0, 200, k - nf)]
            out.append(" ".join(ws))
        return out

    def langs(count):
        first = rng.choice(len(LANGS), size=count, p=LANG_P)
        extra = rng.integers(0, 3, count)
        return [
            sorted({LANGS[f]} | {LANGS[x] for x in rng.choice(len(LANGS), size=e, p=LANG_P)})
            for f, e in zip(first, extra, strict=True)
        ]

    fe = rng.integers(0, n_fields, n)
    fr = rng.integers(0, n_fields, m)
    tz = (np.array(TZ_HOURS) * 60).astype(int)
    mentors_by_field = [np.flatnonzero(fr == f) for f in range(n_fields)]
    prefs = []
    for f, k in zip(fe, rng.integers(0, 4, n), strict=True):
        pool = mentors_by_field[f]
        prefs.append(rng.choice(pool, size=min(k, len(pool)), replace=False).tolist() if len(pool) else [])
    nf = int(n * 0.5)
    forbidden = list(zip(rng.integers(0, n, nf).tolist(), rng.integers(0, m, nf).tolist(), strict=True))
    ruled = list(zip(rng.integers(0, n, nf // 5).tolist(), rng.integers(0, m, nf // 5).tolist(), strict=True))
    review = rng.normal(3.5, 1.0, n)
    review[rng.random(n) < 0.5] = np.nan
    cap = rng.integers(1, 6, m)
    d = dict(
        mentee_skills_wanted=skills(fe, 2, 5),
        mentee_interests=interests(n),
        mentee_goals_text=texts(fe, 8, 25),
        mentee_languages=langs(n),
        mentee_tz_offset_minutes=tz[rng.integers(0, 13, n)],
        mentee_hours=rng.integers(1, 11, n),
        mentee_preferences=prefs,
        mentor_skills=skills(fr, 3, 8),
        mentor_interests=interests(m),
        mentor_text=texts(fr, 20, 45),
        mentor_languages=langs(m),
        mentor_tz_offset_minutes=tz[rng.integers(0, 13, m)],
        mentor_hours=rng.integers(1, 9, m),
        mentor_capacity=cap,
        forbidden=forbidden,
        ruled_out=ruled,
        review_score=review,
    )
    fset = set(forbidden) | set(ruled)
    load = np.zeros(m, int)
    locks = []
    for i in rng.choice(n, size=min(n_locks, n), replace=False):
        for _ in range(50):
            j = int(rng.integers(0, m))
            if load[j] < cap[j] and (int(i), j) not in fset and set(d["mentee_languages"][i]) & set(d["mentor_languages"][j]):
                load[j] += 1
                locks.append((int(i), j))
                break
    d["locked"] = locks
    return d


# --------------------------------------------------------------------------- helpers


def timed(fn, *a, **kw):
    t = time.perf_counter()
    out = fn(*a, **kw)
    return out, time.perf_counter() - t


def median_runs(fn, runs):
    outs, ts = [], []
    for _ in range(runs):
        o, t = timed(fn)
        outs.append(o)
        ts.append(t)
    return outs[-1], statistics.median(ts), ts


def rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def line(label, seconds=None, extra=""):
    s = f"  {label:<44}"
    if seconds is not None:
        s += f"{seconds:8.3f} s"
    print(s + (f"   {extra}" if extra else ""), flush=True)


def baseline_matmul(p: E.Problem, rows_fraction: float = 1.0) -> tuple[float, int]:
    """Seconds for a plain float32 product over all N x M pairs with the same inner width as a
    naive fused product (dense skills + our dense components), in row blocks, nothing else
    (no top-k, no sparse corrections).  Measured on a fraction of the rows and scaled."""
    fac = _factors(p, E.Weights().normalised(p))
    k = fac.b.shape[0] + fac.b_sk.shape[0]
    m = p.n_mentors
    rng = np.random.default_rng(0)
    b = rng.random((k, m), dtype=np.float32)
    rows = max(256, int(p.n_mentees * rows_fraction))
    block = max(64, (1 << 23) // m)
    a = rng.random((block, k), dtype=np.float32)
    c = np.empty((block, m), dtype=np.float32)
    np.matmul(a[:64], b, out=c[:64])
    t = time.perf_counter()
    done = 0
    while done < rows:
        nb = min(block, rows - done)
        np.matmul(a[:nb], b, out=c[:nb])
        done += nb
    return (time.perf_counter() - t) * p.n_mentees / rows, k


def eligible_fraction(p: E.Problem, sample: int = 200) -> float:
    rows = np.linspace(0, p.n_mentees - 1, min(sample, p.n_mentees)).astype(int)
    pairs = np.stack([np.repeat(rows, p.n_mentors), np.tile(np.arange(p.n_mentors), len(rows))], axis=1)
    return float((E.pair_scores(p, pairs) != np.iinfo(np.int64).min).mean())


def pct(x, ref):
    return f"{100.0 * x / ref:.3f} % of optimal" if ref else "-"


# --------------------------------------------------------------------------- sections


def run_size(n: int, m: int, runs: int, target: float, certify: bool, baseline_rows: float = 1.0):
    how = f"median of {runs} runs" if runs > 1 else "1 run"
    print(f"\n== {n:,} mentees x {m:,} mentors  ({how}) ==", flush=True)
    d, t_gen = timed(synth, n, m, seed=1)
    line("synthetic data generation (not engine)", t_gen)
    p, t_build = timed(E.Problem.build, **d)
    del d
    groups, _ = _layout(p)
    line("Problem.build (tokenize, TF-IDF/LSA, matrices)", t_build, f"text exact={p.text.exact}, {len(groups)} scoring groups")
    line("eligible pairs (language, forbidden)", None, f"{eligible_fraction(p):.1%} of all pairs")
    w = E.Weights()
    cand, t_cand, ts = median_runs(lambda: E.candidates(p, w, top_k=50), runs)
    t_base, k_base = baseline_matmul(p, baseline_rows)
    extra = f"baseline: one plain float32 matmul of all pairs, K={k_base}, no top-k: {t_base:.3f} s"
    if baseline_rows < 1:
        extra += f" (timed on {baseline_rows:.0%} of rows, scaled)"
    line("score all pairs -> top-50 per mentee", t_cand, extra)
    line("", None, f"{len(cand):,} candidate edges; {t_cand / (n * m) * 1e9:.2f} ns/pair; runs {[round(x, 3) for x in ts]}")
    opt, t_opt, ts_opt = median_runs(lambda: E.assign(p, w, candidates=cand, mode="optimal"), runs)
    gr, t_gr, _ = median_runs(lambda: E.assign(p, w, candidates=cand, mode="greedy"), runs)
    line("optimal (OR-Tools SimpleMinCostFlow, top-50)", t_opt, f"total {opt.total:,.4f}, matched {opt.n_matched:,}")
    line("greedy (baseline solver)", t_gr, f"total {gr.total:,.4f} = {pct(gr.total, opt.total)}, matched {gr.n_matched:,}")
    st, t_st, _ = median_runs(lambda: E.assign(p, w, candidates=cand, mode="stable"), runs)
    line(
        "stable (Gale-Shapley, complete: 0 blocking)",
        t_st,
        f"total {st.total:,.4f} = {pct(st.total, opt.total)}, extension passes {st.info.get('extension_passes')}",
    )
    engine = t_cand + t_opt
    line(
        "ENGINE: score + optimal assign",
        engine,
        f"target < {target:g} s -> {'OK' if engine < target else 'MISSED'}; = {engine / t_base:.2f} x the plain matmul baseline",
    )
    reasons = {}
    for r in opt.unmatched.values():
        reasons[r] = reasons.get(r, 0) + 1
    line("unmatched (optimal)", None, ", ".join(f"{k}: {v:,}" for k, v in sorted(reasons.items())))
    if certify:
        cert, t_cert = timed(lambda: E.assign(p, w, candidates=cand, mode="optimal", prove_optimal=True))
        added = [v for k, v in cert.info.items() if k.startswith("certify_round")]
        line(
            "prove optimal over ALL pairs (duals + rescans)",
            t_cert,
            f"certified={cert.certified}, total {cert.total:,.4f} (+{cert.total - opt.total:.4f} vs top-50), "
            f"pairs added per round {added}",
        )
    return rss_gib()


def run_optimality():
    n, m = 1000, 200
    print(f"\n== optimality: {n:,} x {m} vs SciPy linear_sum_assignment on the slot-expanded matrix ==", flush=True)
    p = E.Problem.build(**synth(n, m, seed=2))
    s, t_s = timed(E.score_matrix, p)
    cap = p.capacity - np.bincount(p.locked[:, 1], minlength=m)
    free = np.ones(n, bool)
    free[p.locked[:, 0]] = False
    lock_total = E.pair_scores(p, p.locked).sum() / E.SCORE_SCALE
    sub = s[free]
    slot_of = np.repeat(np.arange(m), cap)
    big = -1e12
    wq = np.where(np.isfinite(sub), np.rint(np.where(np.isfinite(sub), sub, 0) * E.SCORE_SCALE), big)[:, slot_of]
    wq = np.hstack([wq, np.zeros((len(sub), len(sub)))])  # "stay unmatched" columns
    (r, c), t_lsa = timed(linear_sum_assignment, wq, True)
    vals = wq[r, c]
    lsa_total = vals[vals > big / 2].sum() / E.SCORE_SCALE + lock_total
    line("score matrix (dense, for the reference)", t_s, f"{len(slot_of)} slots")
    line("SciPy linear_sum_assignment (slots + dummies)", t_lsa, f"optimum {lsa_total:,.6f}")
    for label, kw in (
        ("ours: top-50 graph", dict(top_k=50)),
        ("ours: top-50 graph + proof over all pairs", dict(top_k=50, prove_optimal=True)),
        ("ours: all pairs (top_k = M)", dict(top_k=m)),
    ):
        a, t = timed(E.assign, p, **kw)
        cert = f", certified={a.certified}" if a.certified is not None else ""
        line(label, t, f"total {a.total:,.6f}  |diff| = {abs(a.total - lsa_total):.2e}{cert}")


def run_pruning_loss():
    n, m = 5000, 1000
    print(f"\n== top-k pruning loss: {n:,} x {m:,}, OR-Tools on all pairs vs top-k ==", flush=True)
    p = E.Problem.build(**synth(n, m, seed=3))
    full, t_full = timed(E.assign, p, top_k=m)
    line(f"OR-Tools on all eligible pairs (top_k={m})", t_full, f"total {full.total:,.4f}, edges {full.info['n_candidates']:,}")
    for k in (50, 20):
        a, t = timed(E.assign, p, top_k=k)
        loss = 100 * (full.total - a.total) / full.total
        line(f"top-{k}", t, f"total {a.total:,.4f}, loss {loss:.4f} %, matched {a.n_matched:,} vs {full.n_matched:,}")
    a, t = timed(E.assign, p, top_k=50, prove_optimal=True)
    diff = abs(a.total - full.total)
    line("top-50 + proof over all pairs", t, f"total {a.total:,.4f}, |diff| {diff:.2e}, certified={a.certified}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="small,medium", help="comma list of small, medium, large")
    ap.add_argument("--runs", type=int, default=3, help="runs for the median at the small size")
    ap.add_argument("--inline", action="store_true", help="run 'large' in this process (default: a child process)")
    args = ap.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    bad = set(sizes) - {"small", "medium", "large"}
    if bad:
        ap.error(f"unknown sizes: {sorted(bad)}")
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}", flush=True)
    t0 = time.perf_counter()
    if "small" in sizes:
        run_size(20_000, 4_000, args.runs, 2.0, certify=True)
    if "medium" in sizes:
        run_optimality()
        run_pruning_loss()
    if "large" in sizes:
        if args.inline or sizes == ["large"]:
            peak = run_size(100_000, 20_000, 1, 20.0, certify=False, baseline_rows=0.1)
            line("peak RSS of this process (incl. synthetic data)", None, f"{peak:.2f} GiB (target < 2 GiB)")
        else:  # separate process: its peak RSS is not inflated by the smaller runs
            subprocess.run([sys.executable, __file__, "--sizes", "large", "--inline"], check=True)
    who = " (child process: large)" if args.inline else ""
    print(f"\nbench wall time{who} {time.perf_counter() - t0:.1f} s; load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
