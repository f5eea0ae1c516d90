"""Areas: validated GeoJSON polygons, and finding the area a point lies in."""

from django.db import transaction
from django.utils.text import slugify
from shapely.geometry import Point, shape
from shapely.validation import explain_validity

from participation.geo.models import Area


class InvalidGeometry(ValueError):
    pass


def check_area_geometry(geometry: dict) -> None:
    if not isinstance(geometry, dict) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        raise InvalidGeometry("geometry must be a GeoJSON Polygon or MultiPolygon")
    try:
        geom = shape(geometry)
    except Exception as exc:
        raise InvalidGeometry(f"geometry cannot be read: {exc}") from exc
    if geom.is_empty or not geom.is_valid:
        raise InvalidGeometry(f"geometry is not valid: {explain_validity(geom)}")
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise InvalidGeometry("coordinates must be longitude, latitude in WGS 84")


def do_save_area(name: str, geometry: dict, kind: str = Area.Kind.DISTRICT, slug: str = "") -> Area:
    check_area_geometry(geometry)
    min_lon, min_lat, max_lon, max_lat = shape(geometry).bounds
    with transaction.atomic():
        area, _ = Area.objects.update_or_create(
            slug=slug or slugify(name),
            defaults={
                "name": name,
                "kind": kind,
                "geometry": geometry,
                "min_lat": min_lat,
                "max_lat": max_lat,
                "min_lon": min_lon,
                "max_lon": max_lon,
            },
        )
    return area


def area_for_point(lat: float, lon: float) -> Area | None:
    point = Point(lon, lat)
    candidates = Area.objects.filter(
        min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon
    )
    for area in candidates:
        if shape(area.geometry).covers(point):
            return area
    return None
