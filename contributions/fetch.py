"""What each kind of address means on each platform: the API calls and the facts read from their answers.

`facts_for(target, client)` returns a dict of the Contribution fields the API confirms (title, state,
author, dates, repository, lines, labels, languages, topics) or raises `client.ApiError`.
"""
from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from django.utils.dateparse import parse_datetime

from .client import Client, NotFound
from .urls_parse import Target

LANGUAGES_KEPT = 5


def _when(value) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) and value else None


def _top_languages(languages: dict) -> list[str]:
    """Languages by size (bytes on GitHub, percent on GitLab), largest first, ties by name."""
    pairs = sorted(((float(v), k) for k, v in (languages or {}).items()), key=lambda p: (-p[0], p[1]))
    return [k for _v, k in pairs[:LANGUAGES_KEPT]]


# --------------------------------------------------------------------------- GitHub


def _github_repository(client: Client, repository: str) -> dict:
    repo = client.get(f"/repos/{repository}")
    languages = client.get(f"/repos/{repository}/languages")
    return {
        "repository": repo.get("full_name") or repository,
        "topics": sorted(repo.get("topics") or []),
        "languages": _top_languages(languages),
    }


def _github_pull(body: dict) -> dict:
    state = "merged" if body.get("merged") or body.get("merged_at") else ("open" if body.get("state") == "open" else "closed")
    return {
        "title": body.get("title") or "",
        "state": state,
        "author": (body.get("user") or {}).get("login") or "",
        "opened_at": _when(body.get("created_at")),
        "merged_at": _when(body.get("merged_at")),
        "closed_at": _when(body.get("closed_at")),
        "additions": body.get("additions"),
        "deletions": body.get("deletions"),
        "labels": sorted(label.get("name", "") for label in body.get("labels") or []),
    }


def _github(target: Target, client: Client) -> dict:
    repo = f"/repos/{target.repository}"
    if target.kind == "change":
        facts = _github_pull(client.get(f"{repo}/pulls/{target.number}"))
    elif target.kind == "issue":
        body = client.get(f"{repo}/issues/{target.number}")
        facts = {
            "title": body.get("title") or "", "state": "open" if body.get("state") == "open" else "closed",
            "author": (body.get("user") or {}).get("login") or "",
            "opened_at": _when(body.get("created_at")), "closed_at": _when(body.get("closed_at")),
            "labels": sorted(label.get("name", "") for label in body.get("labels") or []),
        }
    elif target.kind == "commit":
        body = client.get(f"{repo}/commits/{target.number}")
        commit = body.get("commit") or {}
        stats = body.get("stats") or {}
        facts = {
            "title": (commit.get("message") or "").splitlines()[0][:300] if commit.get("message") else "",
            "state": "committed", "author": (body.get("author") or {}).get("login") or "",
            "opened_at": _when((commit.get("author") or {}).get("date")),
            "additions": stats.get("additions"), "deletions": stats.get("deletions"),
        }
    else:  # a review: the review's author and date, the pull request's title
        pull = client.get(f"{repo}/pulls/{target.number}")
        reviews = client.get_all(f"{repo}/pulls/{target.number}/reviews")
        review = next((r for r in reviews if str(r.get("id")) == target.review_id), None)
        if review is None:
            raise NotFound("review not found on that pull request", permanent=True, status=404)
        facts = {
            "title": pull.get("title") or "", "state": "submitted",
            "author": (review.get("user") or {}).get("login") or "",
            "opened_at": _when(review.get("submitted_at")),
            "labels": sorted(label.get("name", "") for label in pull.get("labels") or []),
        }
    facts.update(_github_repository(client, target.repository))
    return facts


# --------------------------------------------------------------------------- GitLab


def _gitlab_state(value: str) -> str:
    return {"opened": "open", "merged": "merged", "closed": "closed", "locked": "closed"}.get(value or "", "closed")


def _diff_lines(diffs: list) -> tuple[int, int]:
    added = removed = 0
    for diff in diffs:
        for line in (diff.get("diff") or "").splitlines():
            if line.startswith("+") and not line.startswith("+++"):
                added += 1
            elif line.startswith("-") and not line.startswith("---"):
                removed += 1
    return added, removed


def _gitlab(target: Target, client: Client) -> dict:
    project = f"/projects/{quote(target.repository, safe='')}"
    if target.kind in ("change", "review"):
        body = client.get(f"{project}/merge_requests/{target.number}")
        facts = {
            "title": body.get("title") or "", "state": _gitlab_state(body.get("state")),
            "author": (body.get("author") or {}).get("username") or "",
            "opened_at": _when(body.get("created_at")), "merged_at": _when(body.get("merged_at")),
            "closed_at": _when(body.get("closed_at")), "labels": sorted(body.get("labels") or []),
        }
        if target.kind == "change":
            facts["additions"], facts["deletions"] = _diff_lines(
                client.get_all(f"{project}/merge_requests/{target.number}/diffs"))
        else:
            note = client.get(f"{project}/merge_requests/{target.number}/notes/{target.review_id}")
            facts.update(state="submitted", author=(note.get("author") or {}).get("username") or "",
                         opened_at=_when(note.get("created_at")), merged_at=None, closed_at=None)
    elif target.kind == "issue":
        body = client.get(f"{project}/issues/{target.number}")
        facts = {
            "title": body.get("title") or "", "state": _gitlab_state(body.get("state")),
            "author": (body.get("author") or {}).get("username") or "",
            "opened_at": _when(body.get("created_at")), "closed_at": _when(body.get("closed_at")),
            "labels": sorted(body.get("labels") or []),
        }
    else:
        body = client.get(f"{project}/repository/commits/{target.number}")
        stats = body.get("stats") or {}
        # GitLab names a commit's author, not their account: authorship stays unchecked.
        facts = {
            "title": body.get("title") or "", "state": "committed", "author": "",
            "opened_at": _when(body.get("authored_date") or body.get("created_at")),
            "additions": stats.get("additions"), "deletions": stats.get("deletions"),
        }
    repo = client.get(project)
    languages = client.get(f"{project}/languages")
    facts.update(repository=repo.get("path_with_namespace") or target.repository,
                 topics=sorted(repo.get("topics") or repo.get("tag_list") or []),
                 languages=_top_languages(languages))
    return facts


def facts_for(target: Target, client: Client) -> dict:
    return (_github if target.platform == "github" else _gitlab)(target, client)


# --------------------------------------------------------------------------- account proofs


def proof_owner_and_text(platform: str, proof_id: str, client: Client) -> tuple[str, str]:
    """(owner's username, the text a person wrote in it) of a public gist or a personal snippet."""
    if platform == "github":
        body = client.get(f"/gists/{proof_id}")
        text = "\n".join([body.get("description") or ""] + [
            (f or {}).get("content") or "" for f in (body.get("files") or {}).values()])
        return (body.get("owner") or {}).get("login") or "", text
    body = client.get(f"/snippets/{proof_id}")
    text = "\n".join([body.get("title") or "", body.get("description") or ""])
    if (body.get("visibility") or "public") != "public":
        return "", ""
    return (body.get("author") or {}).get("username") or "", text
