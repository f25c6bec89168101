"""Static files served compressed in development too.

In production whitenoise serves STATIC_ROOT, where collectstatic wrote a gzip and a brotli
sibling of every text file (CompressedManifestStaticFilesStorage). `make run` collects as well
(CompressedStaticFilesStorage: the same siblings, names without hashes), but in development
whitenoise looks files up through the finders (WHITENOISE_USE_FINDERS, AUTOREFRESH), which
point at the uncompressed sources in static/.

This middleware serves the collected copy, with its compressed siblings, while it is at least
as new as the source; a source edited since the last collectstatic is served as it is (and
uncompressed) until the next `make run`, so an edit shows at once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from whitenoise.middleware import WhiteNoiseMiddleware


class CollectedFirstWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    def candidate_paths_for_url(self, url: str) -> Iterator[str]:
        paths = list(super().candidate_paths_for_url(url))
        collected = self._collected_path(url) if self.use_finders else None
        # paths[0] is the finders' source when they found one.
        if collected and paths and paths[0] != collected and _is_fresh_copy(collected, of=paths[0]):
            yield collected
        yield from paths

    def _collected_path(self, url: str) -> str | None:
        if not self.static_root or not url.startswith(self.static_prefix):
            return None
        root = os.path.abspath(self.static_root).rstrip(os.path.sep) + os.path.sep
        path = os.path.join(root, url[len(self.static_prefix) :])
        return path if self.path_is_child_of(path, root) else None


def _is_fresh_copy(collected: str, *, of: str) -> bool:
    try:
        copy, source = os.stat(collected), os.stat(of)
    except OSError:
        return False
    return copy.st_size == source.st_size and copy.st_mtime >= source.st_mtime
