"""Every page has its own address: two apps' patterns on one path would send one of them to the other's view."""
from collections import defaultdict

from django.urls import URLResolver, get_resolver


def _paths(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _paths(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), f"{pattern.lookup_str}:{pattern.name}"


def test_no_two_url_patterns_share_a_path():
    owners = defaultdict(list)
    for path, owner in _paths(get_resolver()):
        owners[path].append(owner)
    assert {path: names for path, names in owners.items() if len(names) > 1} == {}
