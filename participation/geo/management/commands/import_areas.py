"""Import districts (or villages) from a GeoJSON FeatureCollection.

    manage.py import_areas bydeler.geojson --name-property bydelsnavn --kind district

All or nothing: every feature is checked first, and a file with any invalid geometry is refused
with a message naming each bad feature and the line in the file where it is. Areas are matched
by slug (from --slug-property, or made from the name), so importing the same file again updates
them instead of adding copies.
"""

import json
import re
from itertools import pairwise
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify
from shapely.geometry import shape
from shapely.validation import explain_validity

from participation.geo.models import Area
from participation.geo.operations import InvalidGeometry, check_area_geometry, do_save_area

_FEATURES_KEY = re.compile(r'"features"\s*:\s*\[')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LOCATION = re.compile(r"\[(-?[\d.eE+-]+) (-?[\d.eE+-]+)\]")


def feature_spans(text: str, count: int) -> list[tuple[int, int]]:
    """(start, end) character offsets of each feature in the file, found by decoding the
    features array element by element; empty when the layout cannot be followed."""
    match = _FEATURES_KEY.search(text)
    if not match:
        return []
    decoder = json.JSONDecoder()
    spans, index = [], match.end()
    for _ in range(count):
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        try:
            _value, end = decoder.raw_decode(text, index)
        except ValueError:
            return []
        spans.append((index, end))
        index = end
    return spans


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def line_of_point(text: str, span: tuple[int, int], x: float, y: float) -> int | None:
    """The line where the coordinate pair (x, y) is written in the span, if it is there."""
    numbers = [(float(m.group()), m.start()) for m in _NUMBER.finditer(text, *span)]
    for (a, start), (b, _end) in pairwise(numbers):
        if abs(a - x) < 1e-9 and abs(b - y) < 1e-9:
            return line_at(text, start)
    return None


class Command(BaseCommand):
    help = "Import areas (districts, villages) from a GeoJSON FeatureCollection."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--name-property", default="name", help="The feature property with the area's name."
        )
        parser.add_argument(
            "--slug-property", default="", help="A property with a stable id (default: the name)."
        )
        parser.add_argument(
            "--kind", default=Area.Kind.DISTRICT, choices=[k.value for k in Area.Kind]
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file only.")

    def handle(self, *args, file: Path, name_property, slug_property, kind, dry_run, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{file}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
            ) from None
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise CommandError(f"{file}: expected a GeoJSON FeatureCollection")
        features = data.get("features") or []
        spans = feature_spans(text, len(features))
        areas, problems = [], []
        for number, feature in enumerate(features, start=1):
            span = spans[number - 1] if spans else None
            line = f" (line {line_at(text, span[0])})" if span else ""
            where = f"feature {number}{line}"
            properties = (feature or {}).get("properties") or {}
            name = str(properties.get(name_property) or "").strip()
            if not name:
                problems.append(f"{where}: has no property {name_property!r} with a name")
                continue
            where = f"feature {number} “{name}”{line}"
            geometry = feature.get("geometry")
            try:
                check_area_geometry(geometry)
            except InvalidGeometry as exc:
                problems.append(f"{where}: {exc}{self._bad_line(text, span, geometry)}")
                continue
            slug = slugify(str(properties.get(slug_property) or "")) if slug_property else ""
            areas.append((name, geometry, slug or slugify(name)))
        if problems:
            raise CommandError(
                f"{file}: nothing imported, {len(problems)} problem(s):\n  " + "\n  ".join(problems)
            )
        if not areas:
            raise CommandError(f"{file}: the collection has no features")
        if dry_run:
            self.stdout.write(f"{len(areas)} area(s) are valid; nothing imported (--dry-run).")
            return
        with transaction.atomic():
            for name, geometry, slug in areas:
                do_save_area(name, geometry, kind=kind, slug=slug)
        self.stdout.write(self.style.SUCCESS(f"Imported {len(areas)} area(s) from {file}."))

    def _bad_line(self, text, span, geometry) -> str:
        """Where in the file the fault is, when shapely can say which point it is."""
        if not span:
            return ""
        try:
            reason = explain_validity(shape(geometry))
        except Exception:
            return ""
        match = _LOCATION.search(reason)
        line = None
        if match:
            line = line_of_point(text, span, float(match.group(1)), float(match.group(2)))
        if line is None:
            found = text.find('"coordinates"', *span)
            line = line_at(text, found) if found >= 0 else None
        return f" – see line {line}" if line else ""
