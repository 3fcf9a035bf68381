"""ETags for every GET of the API: a hash of the body, and 304 Not Modified for `If-None-Match`."""
import hashlib

from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers


class ETagMixin:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
        response["ETag"] = etag
        patch_vary_headers(response, ("Authorization", "Cookie"))
        patch_cache_control(response, private=True, no_cache=True)
        # 304 Not Modified (with the same ETag, Vary and Cache-Control) when If-None-Match matches.
        return get_conditional_response(request, etag=etag, response=response)
