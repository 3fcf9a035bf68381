"""Recorded answers of the GitHub and GitLab REST APIs (trimmed to the fields we read, shapes as the
platforms send them), one per kind of address, and a fake server that serves them on the loopback.

`FakeHosts(httpserver)` points settings at the server (GITHUB_API_URL, GITLAB_API_URL) and registers
answers: `github_pull(...)`, `github_issue(...)`, ..., each with the repository's answers too.
"""
from __future__ import annotations

import json

from werkzeug import Response

CREATED = "2030-03-10T12:00:00Z"
MERGED = "2030-03-12T09:30:00Z"


def github_pull(number: int, *, owner: str, repo: str, login: str, merged: bool = True, created_at: str = CREATED):
    return {
        "url": f"https://api.github.com/repos/{owner}/{repo}/pulls/{number}", "number": number,
        "html_url": f"https://github.com/{owner}/{repo}/pull/{number}",
        "state": "closed" if merged else "open", "title": f"Fix the broadcasting of masked arrays (#{number})",
        "user": {"login": login, "id": 1001, "type": "User"},
        "labels": [{"id": 1, "name": "component: numpy.ma", "color": "ededed"}, {"id": 2, "name": "bug"}],
        "created_at": created_at, "updated_at": MERGED, "closed_at": MERGED if merged else None,
        "merged_at": MERGED if merged else None, "merged": merged, "draft": False,
        "additions": 42, "deletions": 7, "changed_files": 3, "commits": 2,
        "base": {"repo": {"full_name": f"{owner}/{repo}"}},
    }


def github_issue(number: int, *, owner: str, repo: str, login: str, open_: bool = True, created_at: str = CREATED):
    return {
        "url": f"https://api.github.com/repos/{owner}/{repo}/issues/{number}", "number": number,
        "title": "Documentation of np.ma.median misses the axis argument", "user": {"login": login, "id": 1001},
        "labels": [{"name": "04 - Documentation"}], "state": "open" if open_ else "closed",
        "created_at": created_at, "closed_at": None if open_ else MERGED, "comments": 3,
    }


def github_commit(sha: str, *, login: str, date: str = CREATED):
    return {
        "sha": sha, "commit": {"author": {"name": "Ada", "email": "ada@example.org", "date": date},
                               "message": "MAINT: tidy the test helpers\n\nLonger text."},
        "author": {"login": login, "id": 1001}, "stats": {"total": 12, "additions": 9, "deletions": 3},
        "files": [{"filename": "numpy/ma/tests/test_core.py", "additions": 9, "deletions": 3}],
    }


def github_review(review_id: int, *, login: str, submitted_at: str = CREATED):
    return {"id": review_id, "user": {"login": login}, "state": "APPROVED", "submitted_at": submitted_at,
            "body": "Looks good."}


def github_repo(owner: str, repo: str, *, topics=("python", "numpy", "scientific-computing")):
    return {"id": 908607, "full_name": f"{owner}/{repo}", "name": repo, "private": False,
            "language": "Python", "topics": list(topics), "stargazers_count": 27000}


GITHUB_LANGUAGES = {"Python": 10_250_000, "C": 4_100_000, "Cython": 380_000, "C++": 120_000}


def github_gist(gist_id: str, *, login: str, description: str):
    return {"id": gist_id, "public": True, "description": description, "owner": {"login": login},
            "files": {"proof.md": {"filename": "proof.md", "content": "Linking my account."}}}


def gitlab_project(path: str, *, topics=("gnome", "gtk")):
    return {"id": 1234, "path_with_namespace": path, "name": path.rsplit("/", 1)[-1], "topics": list(topics),
            "tag_list": list(topics), "visibility": "public"}


GITLAB_LANGUAGES = {"C": 78.5, "Meson": 12.0, "Python": 9.5}


def gitlab_mr(iid: int, *, username: str, state: str = "merged", created_at: str = CREATED):
    return {"id": 99000 + iid, "iid": iid, "title": "Fix a crash when the window closes", "state": state,
            "author": {"id": 7, "username": username, "name": "Ada"}, "labels": ["bug", "crash"],
            "created_at": created_at, "merged_at": MERGED if state == "merged" else None,
            "closed_at": None, "changes_count": "2"}


def gitlab_diffs_pages():
    """Two pages of an MR's diffs: 3 + 1 lines added, 1 line removed."""
    first = [{"old_path": "src/window.c", "new_path": "src/window.c",
              "diff": "@@ -1,3 +1,4 @@\n-old line\n+new line\n+another\n context"},
             {"old_path": "src/app.c", "new_path": "src/app.c", "diff": "@@ -10 +10,2 @@\n+added"}]
    second = [{"old_path": "NEWS", "new_path": "NEWS", "diff": "--- a/NEWS\n+++ b/NEWS\n@@ -1 +1,2 @@\n+Fixed a crash"}]
    return first, second


def gitlab_issue(iid: int, *, username: str, state: str = "opened", created_at: str = CREATED):
    return {"iid": iid, "title": "Window flickers on resize", "state": state, "labels": ["bug"],
            "author": {"username": username}, "created_at": created_at, "closed_at": None}


def gitlab_commit(sha: str, *, date: str = CREATED):
    return {"id": sha, "short_id": sha[:8], "title": "Fix a typo in the README", "author_name": "Ada",
            "authored_date": date, "created_at": date, "stats": {"additions": 1, "deletions": 1, "total": 2}}


def gitlab_note(note_id: int, *, username: str, created_at: str = CREATED):
    return {"id": note_id, "body": "Tested on Wayland: works.", "author": {"username": username},
            "created_at": created_at, "system": False}


def gitlab_snippet(snippet_id: int, *, username: str, title: str):
    return {"id": snippet_id, "title": title, "description": "", "visibility": "public",
            "author": {"username": username}}


class FakeHosts:
    """A local fake of both APIs. Paths: /github/... for GitHub, /gitlab/api/v4/... for GitLab."""

    def __init__(self, httpserver, settings):
        self.server = httpserver
        settings.GITHUB_API_URL = httpserver.url_for("/github")
        settings.GITLAB_API_URL = httpserver.url_for("/gitlab/api/v4")
        settings.CONTRIBUTIONS_API_TIMEOUT = 1.0

    def json(self, path: str, body, *, status: int = 200, headers: dict | None = None, etag: str | None = None,
             query_string=None):
        headers = dict(headers or {})
        if etag:
            headers["ETag"] = etag
        self.server.expect_request(path, query_string=query_string).respond_with_response(
            Response(json.dumps(body), status=status, headers=headers, content_type="application/json"))

    def handler(self, path: str, function):
        self.server.expect_request(path).respond_with_handler(function)

    # GitHub ------------------------------------------------------------------------------------
    def github_repository(self, owner: str, repo: str, **kwargs):
        self.json(f"/github/repos/{owner}/{repo}", github_repo(owner, repo, **kwargs), etag='W/"repo"')
        self.json(f"/github/repos/{owner}/{repo}/languages", GITHUB_LANGUAGES, etag='W/"languages"')

    def github_pull(self, number: int, *, owner="numpy", repo="numpy", login="ada", merged=True, **kwargs):
        self.json(f"/github/repos/{owner}/{repo}/pulls/{number}",
                  github_pull(number, owner=owner, repo=repo, login=login, merged=merged, **kwargs),
                  etag=f'W/"pull-{number}-{merged}"')
        self.github_repository(owner, repo)
        return f"https://github.com/{owner}/{repo}/pull/{number}"

    def github_issue(self, number: int, *, owner="numpy", repo="numpy", login="ada", **kwargs):
        self.json(f"/github/repos/{owner}/{repo}/issues/{number}",
                  github_issue(number, owner=owner, repo=repo, login=login, **kwargs), etag=f'W/"issue-{number}"')
        self.github_repository(owner, repo)
        return f"https://github.com/{owner}/{repo}/issues/{number}"

    def github_commit(self, sha: str, *, owner="numpy", repo="numpy", login="ada", **kwargs):
        self.json(f"/github/repos/{owner}/{repo}/commits/{sha}", github_commit(sha, login=login, **kwargs))
        self.github_repository(owner, repo)
        return f"https://github.com/{owner}/{repo}/commit/{sha}"

    def github_review(self, number: int, review_id: int, *, owner="numpy", repo="numpy", login="ada"):
        """The review is on the second page of the pull request's reviews (pagination by Link header)."""
        base = f"/github/repos/{owner}/{repo}/pulls/{number}/reviews"
        self.json(f"/github/repos/{owner}/{repo}/pulls/{number}",
                  github_pull(number, owner=owner, repo=repo, login="someone-else"))
        page2 = self.server.url_for(base) + "?per_page=100&page=2"
        self.json(base, [github_review(1, login="maintainer")], query_string={"per_page": "100"},
                  headers={"Link": f'<{page2}>; rel="next", <{page2}>; rel="last"'})
        self.json(base, [github_review(review_id, login=login)], query_string={"per_page": "100", "page": "2"})
        self.github_repository(owner, repo)
        return f"https://github.com/{owner}/{repo}/pull/{number}#pullrequestreview-{review_id}"

    def github_gist(self, gist_id: str, *, login: str, description: str):
        self.json(f"/github/gists/{gist_id}", github_gist(gist_id, login=login, description=description))
        return f"https://gist.github.com/{login}/{gist_id}"

    # GitLab ------------------------------------------------------------------------------------
    def gitlab_project(self, path: str, **kwargs):
        encoded = path  # the server sees the decoded path (the client sends gnome%2Fgtk)
        self.json(f"/gitlab/api/v4/projects/{encoded}", gitlab_project(path, **kwargs))
        self.json(f"/gitlab/api/v4/projects/{encoded}/languages", GITLAB_LANGUAGES)
        return encoded

    def gitlab_mr(self, iid: int, *, path="gnome/gtk", username="ada", state="merged", **kwargs):
        encoded = self.gitlab_project(path)
        base = f"/gitlab/api/v4/projects/{encoded}/merge_requests/{iid}"
        self.json(base, gitlab_mr(iid, username=username, state=state, **kwargs))
        first, second = gitlab_diffs_pages()
        page2 = self.server.url_for(f"{base}/diffs") + "?page=2&per_page=100"
        self.json(f"{base}/diffs", first, query_string={"per_page": "100"}, headers={"Link": f'<{page2}>; rel="next"'})
        self.json(f"{base}/diffs", second, query_string={"page": "2", "per_page": "100"})
        return f"https://gitlab.com/{path}/-/merge_requests/{iid}"

    def gitlab_issue(self, iid: int, *, path="gnome/gtk", username="ada", **kwargs):
        encoded = self.gitlab_project(path)
        self.json(f"/gitlab/api/v4/projects/{encoded}/issues/{iid}", gitlab_issue(iid, username=username, **kwargs))
        return f"https://gitlab.com/{path}/-/issues/{iid}"

    def gitlab_commit(self, sha: str, *, path="gnome/gtk", **kwargs):
        encoded = self.gitlab_project(path)
        self.json(f"/gitlab/api/v4/projects/{encoded}/repository/commits/{sha}", gitlab_commit(sha, **kwargs))
        return f"https://gitlab.com/{path}/-/commit/{sha}"

    def gitlab_note(self, iid: int, note_id: int, *, path="gnome/gtk", username="ada"):
        encoded = self.gitlab_project(path)
        base = f"/gitlab/api/v4/projects/{encoded}/merge_requests/{iid}"
        self.json(base, gitlab_mr(iid, username="someone-else"))
        self.json(f"{base}/notes/{note_id}", gitlab_note(note_id, username=username))
        return f"https://gitlab.com/{path}/-/merge_requests/{iid}#note_{note_id}"

    def gitlab_snippet(self, snippet_id: int, *, username: str, title: str):
        self.json(f"/gitlab/api/v4/snippets/{snippet_id}", gitlab_snippet(snippet_id, username=username, title=title))
        return f"https://gitlab.com/-/snippets/{snippet_id}"
