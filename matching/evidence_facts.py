"""The evidence component in words: "2 merged PRs in Python to numpy".

`evidence_fact(cp, i, j)` is stored with a proposal's facts (JSON); `evidence_sentence(fact)` renders it
in the reader's language. The largest group of the mentee's merged work that shares a label with what
the mentor knows, grouped by (pull request or not, the first shared language or topic, repository).
"""
from __future__ import annotations

from collections import Counter

from django.utils.translation import ngettext

MERGED = ("merged", "committed")


def evidence_fact(cp, i: int, j: int) -> dict | None:
    work = cp.evidence_work[i] if i < len(cp.evidence_work) else []
    known = cp.mentor_labels[j] if j < len(cp.mentor_labels) else frozenset()
    if not work or not known:
        return None
    groups: Counter = Counter()
    for kind, state, languages, topics, repository in work:
        if state not in MERGED:
            continue
        label = next((x for x in [*languages, *topics] if x.lower() in known), None)
        if label is not None:
            groups[(kind == "change", label, repository.rsplit("/", 1)[-1])] += 1
    if not groups:
        return None
    (is_pr, label, repository), count = min(groups.items(), key=lambda kv: (-kv[1], not kv[0][0], kv[0][1], kv[0][2]))
    return {"count": count, "pull_requests": is_pr, "label": label, "repository": repository}


def evidence_sentence(fact: dict | None) -> str | None:
    if not fact:
        return None
    values = {"count": fact["count"], "label": fact["label"], "repository": fact["repository"]}
    if fact.get("pull_requests"):
        return ngettext("%(count)d merged PR in %(label)s to %(repository)s",
                        "%(count)d merged PRs in %(label)s to %(repository)s", fact["count"]) % values
    return ngettext("%(count)d merged contribution in %(label)s to %(repository)s",
                    "%(count)d merged contributions in %(label)s to %(repository)s", fact["count"]) % values
