import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from participation.geo.models import Area
from participation.geo.operations import area_for_point

pytestmark = pytest.mark.django_db

VALID = """{
  "type": "FeatureCollection",
  "features": [
    {
      "type": "Feature",
      "properties": {"bydelsnavn": "Gamle Oslo", "nr": "01"},
      "geometry": {
        "type": "Polygon",
        "coordinates": [[[10.75, 59.90], [10.80, 59.90], [10.80, 59.92], [10.75, 59.92],
                         [10.75, 59.90]]]
      }
    },
    {
      "type": "Feature",
      "properties": {"bydelsnavn": "Grünerløkka", "nr": "02"},
      "geometry": {
        "type": "Polygon",
        "coordinates": [[[10.75, 59.92], [10.80, 59.92], [10.80, 59.94], [10.75, 59.94],
                         [10.75, 59.92]]]
      }
    }
  ]
}
"""

# The second feature is a bow tie: its ring crosses itself.
SELF_INTERSECTING = """{
  "type": "FeatureCollection",
  "features": [
    {
      "type": "Feature",
      "properties": {"name": "Good"},
      "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    },
    {
      "type": "Feature",
      "properties": {"name": "Bow tie"},
      "geometry": {
        "type": "Polygon",
        "coordinates": [[
          [2, 0],
          [3, 1],
          [3, 0],
          [2, 1],
          [2, 0]
        ]]
      }
    }
  ]
}
"""


def run(tmp_path, text, *args):
    path = tmp_path / "areas.geojson"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_areas", str(path), *args, stdout=out)
    return out.getvalue()


def test_imports_districts_with_a_configurable_name_property(tmp_path):
    output = run(tmp_path, VALID, "--name-property", "bydelsnavn")
    assert "Imported 2" in output
    assert sorted(Area.objects.values_list("name", flat=True)) == ["Gamle Oslo", "Grünerløkka"]
    assert area_for_point(59.93, 10.77).name == "Grünerløkka"


def test_importing_the_same_file_again_updates_instead_of_duplicating(tmp_path):
    run(tmp_path, VALID, "--name-property", "bydelsnavn", "--slug-property", "nr")
    run(tmp_path, VALID, "--name-property", "bydelsnavn", "--slug-property", "nr")
    assert Area.objects.count() == 2
    assert sorted(Area.objects.values_list("slug", flat=True)) == ["01", "02"]


def test_self_intersecting_polygon_is_refused_naming_the_feature_and_the_line(tmp_path):
    with pytest.raises(CommandError) as raised:
        run(tmp_path, SELF_INTERSECTING)
    message = str(raised.value)
    assert "nothing imported" in message
    assert "feature 2 “Bow tie” (line 9)" in message
    assert "Self-intersection" in message
    # The ring crosses between [3, 1] -> [3, 0] and [2, 1] -> [2, 0] at (2.5, 0.5), not a vertex,
    # so the message points at the coordinates.
    assert "see line 14" in message
    # All or nothing: the good feature before it is not imported either.
    assert not Area.objects.exists()


def test_a_bad_vertex_is_pointed_at_by_its_own_line(tmp_path):
    # A ring that touches itself at a vertex (a "self-intersection" at [1, 1]).
    text = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": "Pinched"},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 1], [0, 0]]],
                    },
                }
            ],
        },
        indent=1,
    )
    with pytest.raises(CommandError) as raised:
        run(tmp_path, text)
    lines = text.splitlines()
    line = int(str(raised.value).split("see line ")[1].split()[0])
    # json.dumps(indent=1) writes each number on its own line: the x of the first [1, 1].
    assert lines[line - 1].strip() == "1,"
    assert lines[line].strip() == "1"
    assert line == next(n for n, text in enumerate(lines, 1) if text.strip() == "1,")


def test_broken_json_is_refused_with_its_line(tmp_path):
    with pytest.raises(CommandError, match="line 3"):
        run(tmp_path, '{\n  "type": "FeatureCollection",\n  "features": [,]\n}')


def test_a_feature_without_a_name_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no property 'navn'"):
        run(tmp_path, VALID, "--name-property", "navn")


def test_dry_run_checks_without_importing(tmp_path):
    output = run(tmp_path, VALID, "--name-property", "bydelsnavn", "--dry-run")
    assert "2 area(s) are valid" in output
    assert not Area.objects.exists()
