"""Where a hearing is read: its live plan page when there is one, else its own page. Shared by
the feeds, the follows page and the mails."""

from django.db.models import Prefetch
from django.urls import reverse


def live_plan_pages(lookup: str = "plan_pages") -> Prefetch:
    """Prefetch a hearing's live plan pages (with their locale) into `live_plan_pages`;
    `lookup` is the path to them, e.g. "hearing__plan_pages" from a Follow."""
    from cms.models import PlanPage

    return Prefetch(
        lookup,
        queryset=PlanPage.objects.live().select_related("locale").order_by("pk"),
        to_attr="live_plan_pages",
    )


def hearing_url(hearing, request=None) -> str:
    """The plan page when there is a live one (where residents read and take part), else the
    hearing's own page. One query unless `live_plan_pages()` was prefetched."""
    pages = getattr(hearing, "live_plan_pages", None)
    if pages is None:
        pages = hearing.plan_pages.live().order_by("pk")[:1]
    for page in pages:
        url = page.get_url(request)
        if url:
            return url
        break
    return reverse("hearings:submissions", args=[hearing.pk])
