"""Where a dataset lives: a local directory or any object-store URL, resolved on the client.

A path is resolved once, where the user calls us, into a :class:`Location`:
an Arrow filesystem plus the absolute path inside it. The location (not the
user's string) is what travels to Dask workers, so a relative path means the
client's working directory even on workers started elsewhere, and an
``s3://`` or ``gs://`` URL is opened the same way on every machine.
``file://``, ``s3://``, ``gs://``/``gcs://`` and ``hdfs://`` go through
:meth:`pyarrow.fs.FileSystem.from_uri`; any other fsspec URL (``memory://``,
``az://``, ...) through fsspec, wrapped in :class:`pyarrow.fs.PyFileSystem`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import attrs

from sla._errors import DatasetError

__all__ = ["Location", "resolve"]


@attrs.frozen
class Location:
    """An Arrow filesystem and an absolute path inside it; picklable, sent to workers."""

    filesystem: Any
    root: str
    shown: str  # the path as the user would recognize it, for messages

    def join(self, name: str) -> str:
        """The path of ``name`` inside the root directory."""
        return f"{self.root.rstrip('/')}/{name}"

    def show(self, name: str) -> str:
        """``name`` inside the root, as the user wrote the root (for error messages)."""
        return f"{self.shown.rstrip('/')}/{name}"


def resolve(path: str | os.PathLike[str], filesystem: Any = None) -> Location:
    """The :class:`Location` of ``path``: a local path (made absolute here) or a URL.

    ``filesystem`` (a :class:`pyarrow.fs.FileSystem` or an fsspec filesystem)
    overrides the one the URL implies, e.g. an ``S3FileSystem`` with its own
    endpoint and credentials; ``path`` is then a path inside it.
    """
    import pyarrow.fs as pafs

    text = os.fspath(path)
    if filesystem is not None:
        if not isinstance(filesystem, pafs.FileSystem):
            filesystem = pafs.PyFileSystem(pafs.FSSpecHandler(filesystem))
        if isinstance(filesystem, pafs.LocalFileSystem):
            text = str(Path(text).expanduser().resolve())
        return Location(filesystem, text.rstrip("/") or "/", text)
    if "://" not in text:
        local = Path(text).expanduser().resolve()
        return Location(pafs.LocalFileSystem(), str(local), str(local))
    try:
        found, inner = pafs.FileSystem.from_uri(text)
    except ValueError:  # pyarrow.ArrowInvalid: a scheme Arrow does not know
        found, inner = _fsspec(text)
    except OSError as error:
        raise DatasetError(f"cannot open {text}: {error}", field="path") from error
    return Location(found, inner.rstrip("/") or "/", _without_secrets(text))


def _without_secrets(url: str) -> str:
    """The URL without credentials and query options, as messages may show it."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _fsspec(url: str) -> tuple[Any, str]:
    import pyarrow.fs as pafs

    try:
        import fsspec
    except ImportError as error:  # pragma: no cover - fsspec comes with dask
        raise DatasetError(
            f"{url}: pyarrow does not know this scheme; install fsspec for it", field="path"
        ) from error
    try:
        fs, inner = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as error:
        raise DatasetError(f"cannot open {url}: {error}", field="path") from error
    return pafs.PyFileSystem(pafs.FSSpecHandler(fs)), inner
