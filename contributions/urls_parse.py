"""What a contribution's address says (platform, repository, kind, number) and which repositories count.

Pure functions over strings: the form, the service, the fetcher and the period's rule share them.
"""
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_NAME = r"[A-Za-z0-9_.-]+"
GITHUB = re.compile(
    rf"^/(?P<owner>{_NAME})/(?P<repo>{_NAME})/(?:"
    r"pull/(?P<pull>\d+)(?:/(?:files|commits))?|issues/(?P<issue>\d+)|commit/(?P<sha>[0-9a-fA-F]{7,40}))/?$"
)
GITLAB = re.compile(
    rf"^/(?P<project>{_NAME}(?:/{_NAME})+)/-/(?:"
    r"merge_requests/(?P<pull>\d+)(?:/diffs)?|issues/(?P<issue>\d+)|commit/(?P<sha>[0-9a-fA-F]{7,40}))/?$"
)
HOSTS = {"github.com": "github", "www.github.com": "github", "gitlab.com": "gitlab", "www.gitlab.com": "gitlab"}


@dataclass(frozen=True)
class Target:
    platform: str  # "github" | "gitlab"
    repository: str  # "owner/name" (GitLab: the full project path)
    kind: str  # Kind value: change, issue, commit, review
    number: str  # pull/issue number, commit sha
    review_id: str = ""  # GitHub review id or GitLab note id, for kind "review"

    @property
    def repository_name(self) -> str:
        return self.repository.rsplit("/", 1)[-1]


def parse_contribution_url(url: str) -> Target | None:
    """The target of a pull/merge request, issue, commit or review address; None if it is none of them."""
    parts = urlsplit((url or "").strip())
    platform = HOSTS.get(parts.netloc.lower())
    if parts.scheme not in ("http", "https") or platform is None:
        return None
    match = (GITHUB if platform == "github" else GITLAB).match(parts.path)
    if match is None:
        return None
    repository = f"{match['owner']}/{match['repo']}" if platform == "github" else match["project"]
    fragment = parts.fragment
    review = re.fullmatch(r"pullrequestreview-(\d+)" if platform == "github" else r"note_(\d+)", fragment or "")
    if match["pull"]:
        if review:
            return Target(platform, repository, "review", match["pull"], review[1])
        return Target(platform, repository, "change", match["pull"])
    if match["issue"]:
        return Target(platform, repository, "issue", match["issue"])
    return Target(platform, repository, "commit", match["sha"].lower())


def parse_repository_line(line: str) -> tuple[str, str] | None:
    """("github", "numpy") for an organization, ("github", "numpy/numpy") for a repository; None if unreadable."""
    text = line.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    platform = HOSTS.get(parts.netloc.lower())
    path = parts.path.strip("/").removesuffix(".git")
    if platform is None or not path or not re.fullmatch(rf"{_NAME}(?:/{_NAME})*", path):
        return None
    return platform, path.lower()


def repository_counts(lines: list[str], platform: str, repository: str) -> bool:
    """A repository counts when the list is empty, names it, or names an organization/group above it."""
    rules = [rule for rule in (parse_repository_line(line) for line in lines) if rule]
    if not lines:
        return True
    repository = repository.lower()
    return any(p == platform and (repository == path or repository.startswith(path + "/")) for p, path in rules)


GIST = re.compile(r"^/(?:(?P<user>[A-Za-z0-9-]+)/)?(?P<id>[0-9a-f]{8,40})/?$")


def parse_proof_url(url: str) -> tuple[str, str] | None:
    """("github", gist id) for a gist address, ("gitlab", snippet id) for a personal snippet; None otherwise."""
    parts = urlsplit((url or "").strip())
    host = parts.netloc.lower()
    if parts.scheme not in ("http", "https"):
        return None
    if host == "gist.github.com":
        match = GIST.match(parts.path)
        return ("github", match["id"]) if match else None
    if host in ("gitlab.com", "www.gitlab.com"):
        match = re.fullmatch(r"/-/snippets/(\d+)/?", parts.path)
        return ("gitlab", match[1]) if match else None
    return None
