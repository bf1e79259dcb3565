"""The manifest of a dataset: what :func:`write_dataset` wrote, checked on every read.

``_sla_dataset.json`` lists every part file with its row count, contact
count, smallest and largest contact id, size in bytes and SHA-256, plus the
Arrow schema of the events and the partitioning rule; the manifest carries a
SHA-256 of its own content. A read first lists the directory and compares:
a part missing, a Parquet file the manifest does not name, a size that
differs (a truncated or replaced file) is an error naming the file. Each
worker then checks the bytes it reads against the part's SHA-256, and its
rows, schema and contacts against the manifest (see :mod:`sla.scale._read`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final

import attrs

from sla._errors import DatasetError, Problem
from sla.scale._storage import Location

__all__ = [
    "MARKER",
    "Manifest",
    "PartInfo",
    "check_listing",
    "list_parquet",
    "read_manifest",
    "schema_pairs",
    "sha256_of",
    "write_manifest",
]

#: Name of the JSON manifest that marks a directory as written by :func:`write_dataset`.
MARKER: Final = "_sla_dataset.json"
FORMAT: Final = "sla-events"
VERSION: Final = 2
HASH_RULE: Final = "pandas.util.hash_array(contact_id) % partitions"
#: The rule recorded by seal_dataset: another tool's, checked only for whole contacts.
SEALED_RULE: Final = "by another tool; checked: every contact in one file"


@attrs.frozen
class PartInfo:
    """One part file as written: name, rows, contacts (count, smallest, largest), bytes, hash."""

    file: str
    index: int
    rows: int
    contacts: int
    contact_min: Any
    contact_max: Any
    size: int
    sha256: str


@attrs.frozen
class Manifest:
    """What a dataset holds: its parts, the schema of its events and the partitioning rule."""

    partitions: int
    schema: tuple[tuple[str, str], ...]
    parts: tuple[PartInfo, ...]
    hash_rule: str = HASH_RULE  # how contacts were assigned to parts

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "partitioned_by": "contact_id",
            "hash": self.hash_rule,
            "partitions": self.partitions,
            "schema": [list(pair) for pair in self.schema],
            "parts": [attrs.asdict(part) for part in self.parts],
        }
        body["checksum"] = _digest(body)
        return body


def _digest(body: dict[str, Any]) -> str:
    content = {k: v for k, v in body.items() if k != "checksum"}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def schema_pairs(schema: Any) -> tuple[tuple[str, str], ...]:
    """An Arrow schema as (name, type) pairs, as the manifest stores it."""
    return tuple((field.name, str(field.type)) for field in schema)


def write_manifest(location: Location, manifest: Manifest) -> None:
    text = json.dumps(manifest.as_json(), indent=1)
    with location.filesystem.open_output_stream(location.join(MARKER)) as out:
        out.write(text.encode("utf-8"))


def read_manifest(location: Location) -> Manifest | None:
    """The manifest of a dataset directory, or ``None`` when it has none (a foreign dataset)."""
    import pyarrow.fs as pafs

    path = location.join(MARKER)
    if location.filesystem.get_file_info(path).type != pafs.FileType.File:
        return None
    where = location.show(MARKER)
    with location.filesystem.open_input_stream(path) as stream:
        raw = stream.read()
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DatasetError(f"{where} is not valid JSON: {error}", field=MARKER) from error
    if body.get("format") != FORMAT or body.get("version") != VERSION:
        raise DatasetError(
            f"{where}: format {body.get('format')!r} version {body.get('version')!r} is not "
            f"{FORMAT!r} version {VERSION}; rewrite the dataset with write_dataset",
            field=MARKER,
        )
    if body.get("checksum") != _digest(body):
        raise DatasetError(f"{where} was edited: its checksum does not match", field=MARKER)
    parts = tuple(PartInfo(**part) for part in body["parts"])
    schema = tuple((str(name), str(kind)) for name, kind in body["schema"])
    return Manifest(int(body["partitions"]), schema, parts, str(body.get("hash", HASH_RULE)))


def list_parquet(location: Location) -> dict[str, int]:
    """Every Parquet file under the root (relative name -> size), hidden ones left out."""
    import pyarrow.fs as pafs

    info = location.filesystem.get_file_info(location.root)
    if info.type == pafs.FileType.NotFound:
        raise DatasetError(f"no dataset at {location.shown}", field="path")
    if info.type == pafs.FileType.File:
        return {"": info.size}
    selector = pafs.FileSelector(location.root, recursive=True)
    found = {}
    prefix = location.root.rstrip("/") + "/"
    for entry in location.filesystem.get_file_info(selector):
        name = entry.path[len(prefix) :] if entry.path.startswith(prefix) else entry.path
        hidden = any(piece.startswith(("_", ".")) for piece in name.split("/"))
        if entry.type == pafs.FileType.File and name.endswith(".parquet") and not hidden:
            found[name] = entry.size
    return found


def check_listing(location: Location, manifest: Manifest, listed: dict[str, int]) -> None:
    """Compare the files in the directory with the manifest; name every difference."""
    problems: list[Problem] = []
    expected = {part.file: part for part in manifest.parts}
    for name in sorted(set(expected) - set(listed)):
        why = f"{location.show(name)} is missing (listed in {MARKER}); its contacts would be lost"
        problems.append(Problem(name, why))
    for name in sorted(set(listed) - set(expected)):
        why = (
            f"{location.show(name)} is not part of the dataset (not in {MARKER}); repartition "
            "with write_dataset to add its events, or move it away"
        )
        problems.append(Problem(name, why))
    for name in sorted(set(listed) & set(expected)):
        if listed[name] != expected[name].size:
            why = (
                f"{location.show(name)} has {listed[name]} bytes, {MARKER} says "
                f"{expected[name].size}: truncated or replaced"
            )
            problems.append(Problem(name, why))
    if problems:
        raise DatasetError.from_problems(problems, what=f"dataset {location.shown}")


def sha256_of(location: Location, name: str, chunk: int = 1 << 22) -> tuple[str, int]:
    """SHA-256 and size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with location.filesystem.open_input_stream(location.join(name)) as stream:
        while True:
            block = stream.read(chunk)
            if not block:
                break
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
