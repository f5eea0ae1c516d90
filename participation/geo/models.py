from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """A named polygon (district, village) used to filter, follow and route notifications."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("District (bydel)")
        VILLAGE = "village", _("Village (grend)")
        TOWN = "town", _("Town (tettsted)")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DISTRICT)
    geometry = models.JSONField(
        _("geometry"), help_text=_("A GeoJSON Polygon or MultiPolygon in WGS 84 (lon, lat).")
    )
    # Bounding box, indexed, so a point lookup only tests the few polygons that can contain it.
    min_lat = models.FloatField(db_index=True)
    max_lat = models.FloatField()
    min_lon = models.FloatField(db_index=True)
    max_lon = models.FloatField()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]

    def __str__(self):
        return self.name
