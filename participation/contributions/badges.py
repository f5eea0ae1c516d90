"""The "elected representative" badge beside a politician's own comments.

The rule: the author is in the `politician` group AND has a party/role (`User.political_role`).
Staff set both, so neither alone can make a badge: a politician without a role shows as anyone
else, and a role left on an account whose politician group was taken away shows nothing. The
badge shows the author's standing now (a representative who leaves office loses it on old
comments too), which is what a reader needs to judge who speaks.

Comment lists read it as one annotation (`author_badge`: the role text, or "") — a join to the
author and an EXISTS on the group, in the same query, so a page of 1,000 comments runs the same
queries as one of 10. The live payload reads it with at most one query per published comment.
"""

from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, Exists, F, OuterRef, Value, When

POLITICIAN_GROUP = "politician"


def _is_politician(user_ref):
    return Exists(
        get_user_model().groups.through.objects.filter(
            user_id=user_ref, group__name=POLITICIAN_GROUP
        )
    )


def with_author_badge(queryset):
    """Annotate contributions with `author_badge`: the author's party/role if they are an
    elected representative, else ""."""
    return queryset.annotate(
        author_badge=Case(
            When(
                _is_politician(OuterRef("author_id")),
                author__political_role__gt="",
                then=F("author__political_role"),
            ),
            default=Value(""),
            output_field=CharField(),
        )
    )


def author_badge(contribution) -> str:
    """The badge of one contribution's author, for the live payload. No query when the author
    is loaded and has no role (nearly everyone); one otherwise."""
    if getattr(contribution, "author_badge", None) is not None:
        return contribution.author_badge
    if not contribution.author_id:
        return ""
    descriptor = type(contribution).author
    if descriptor.is_cached(contribution) and not contribution.author.political_role:
        return ""
    User = get_user_model()
    return (
        User.objects.filter(
            pk=contribution.author_id, political_role__gt="", groups__name=POLITICIAN_GROUP
        )
        .values_list("political_role", flat=True)
        .first()
        or ""
    )
