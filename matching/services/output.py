"""What a run writes: one proposal per application of the pool, in the same number of statements at every size.

On Postgres the proposals go in with one COPY (psycopg2's `copy_expert`), whatever the cohort's size;
elsewhere (SQLite in quick test loops) with `bulk_create`.
"""
from __future__ import annotations

import io
import json

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils import translation

from .. import engine as E
from ..models import MatchProposal, MatchRun
from ..problem import CohortProblem
from ..reasons import COORDINATOR, pair_components, reasons_text

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _ranks(cand: E.Candidates, pairs: np.ndarray, m: int) -> list[int | None]:
    """Position (1 = best) of each pair's mentor in its mentee's candidate list."""
    if len(pairs) == 0 or len(cand.mentee) == 0:
        return [None] * len(pairs)
    keys = cand.mentee * m + cand.mentor
    pos_in_row = np.arange(len(keys)) - cand.indptr[cand.mentee]
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    wanted = pairs[:, 0] * m + pairs[:, 1]
    loc = np.minimum(np.searchsorted(sorted_keys, wanted), len(sorted_keys) - 1)
    found = sorted_keys[loc] == wanted
    pos = pos_in_row[order[loc]] + 1
    return [int(p) if f and p < 32767 else None for p, f in zip(pos.tolist(), found.tolist(), strict=True)]


def clamp_score(score: float) -> float:
    return min(100.0, max(0.0, round(float(score), 4)))


def proposal_rows(*, run: MatchRun, cp: CohortProblem, assignment: E.Assignment, cand: E.Candidates) -> list[dict]:
    """The proposals to write, as field values: one per matched pair with its breakdown and reasons (computed for
    these pairs only, not for every pair scored), one per unmatched application with why."""
    pairs = assignment.pairs
    comps = pair_components(cp, pairs)
    ranks = _ranks(cand, pairs, cp.n_mentors)
    scores = assignment.scores.tolist()
    locked = assignment.locked.tolist()
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        for k, (i, j) in enumerate(pairs.tolist()):
            enrollment_id = cp.enrollment_ids[j]
            rows.append({
                "run_id": run.pk, "application_id": cp.application_ids[i], "enrollment_id": enrollment_id,
                "proposed_enrollment_id": enrollment_id, "score": clamp_score(scores[k]), "components": comps[k],
                "reasons": reasons_text(comps[k]["facts"], viewer=COORDINATOR), "rank": ranks[k], "locked": bool(locked[k]),
            })
    best = cand.row_best_q
    for i, reason in sorted(assignment.unmatched.items()):
        best_q = int(best[i]) if len(best) else None
        has_best = best_q is not None and best_q > np.iinfo(np.int64).min // 2
        rows.append({
            "run_id": run.pk, "application_id": cp.application_ids[i], "unmatched_reason": reason,
            "components": {"facts": {"best_score": round(best_q / E.SCORE_SCALE, 2) if has_best else None}},
        })
    return rows


def _copy_value(field, value) -> str:
    if value is None:
        return "\\N"
    if field.get_internal_type() == "JSONField":
        value = json.dumps(value, cls=field.encoder, allow_nan=False, separators=(",", ":"))
    elif isinstance(value, bool):
        value = "t" if value else "f"
    return str(value).translate(_COPY_ESCAPES)


def _copy(rows: list[dict]) -> None:
    fields = [f for f in MatchProposal._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    buffer = io.StringIO()
    for row in rows:
        values = {**defaults, **row}
        buffer.write("\t".join(_copy_value(f, values[f.attname]) for f in fields))
        buffer.write("\n")
    buffer.seek(0)
    quote = connection.ops.quote_name
    sql = f"COPY {quote(MatchProposal._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    with connection.cursor() as cursor:  # (Django's query log, when on, records the COPY like any query)
        cursor.copy_expert(sql, buffer)
        # The foreign keys are checked now rather than at commit, so that a run's "write" time includes them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def proposals_write(rows: list[dict]) -> int:
    """Insert the proposals (inside the caller's transaction): one COPY on Postgres at any size (and one statement
    to check its foreign keys at once), `bulk_create` elsewhere. Returns how many statements went around
    `connection.execute_wrapper` (the COPY), so that a run's query count can include them."""
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        _copy(rows)
        return 1
    MatchProposal.objects.bulk_create([MatchProposal(**row) for row in rows])
    return 0
