"""Thin views: parse, call operations, render. Everything works without JavaScript; the map
and the place search are enhancements of forms that already work."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hearings.uploads import file_response
from ideabank import operations
from ideabank.forms import CommentForm, IdeaFilterForm, IdeaForm, Sort
from ideabank.geocoding import parse_place_token, search_places
from ideabank.models import Idea, IdeaPhoto, IdeaStatus, Support
from ideabank.permissions import can_answer, can_comment, can_see_original, get_idea_for_user
from participation.contributions.badges import with_author_badge
from participation.contributions.models import Comment, Contribution
from participation.contributions.operations import ContributionError
from participation.live.events import last_event_id
from participation.notifications.models import Follow
from participation.ratelimit import limit_posts
from participation.text.render import public_plain

IDEAS_PER_PAGE = 20
MAP_LIST_PER_PAGE = 50
COMMENTS_PER_PAGE = 30
MAP_FEATURE_LIMIT = 500
PUBLISHED = Contribution.State.PUBLISHED
DRAFT_KEY = "idea-draft"


def map_settings() -> dict:
    return {
        "tile_url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_ATTRIBUTION,
        "center": settings.MAP_CENTER,
    }


# ---------------------------------------------------------------- lists and the map


def filtered_ideas(filters: dict, *, with_point: bool = False, ideas=None):
    ideas = operations.listed_ideas() if ideas is None else ideas
    if with_point:
        ideas = ideas.filter(lat__isnull=False)
    if filters["q"]:
        # The public text only: a search must not find what redaction removed.
        ideas = ideas.filter(
            Q(public_title__icontains=filters["q"]) | Q(public_html__icontains=filters["q"])
        )
    if filters["topic"]:
        ideas = ideas.filter(topics__slug=filters["topic"])
    if filters["area"]:
        ideas = ideas.filter(area__slug=filters["area"])
    if filters["status"]:
        ideas = ideas.filter(status=filters["status"])
    return ideas


def idea_page(filters: dict, page_number, *, with_point=False, per_page=IDEAS_PER_PAGE):
    """One page of ideas for the list: topics, area and comment counts in three queries."""
    ideas = (
        filtered_ideas(filters, with_point=with_point)
        .select_related("area")
        .prefetch_related("topics")
        .annotate(
            comment_count=Count(
                "comments_discussion__contributions",
                filter=Q(comments_discussion__contributions__state=PUBLISHED),
            )
        )
    )
    order = {
        Sort.NEWEST: ["-published_at", "-pk"],
        Sort.SUPPORTED: ["-support_count", "-published_at", "-pk"],
        Sort.DISCUSSED: ["-comment_count", "-published_at", "-pk"],
    }[filters["sort"]]
    return Paginator(ideas.order_by(*order), per_page).get_page(page_number)


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("side", None)
    return params.urlencode()


def idea_list_context(request) -> dict:
    form = IdeaFilterForm(request.GET or None)
    filters = form.filters() if request.GET else _no_filters()
    return {
        "filter_form": form,
        "filters": filters,
        "ideas": idea_page(filters, request.GET.get("side")),
        "query": _query_without_page(request),
        "IdeaStatus": IdeaStatus,
    }


def map_page_context(request) -> dict:
    form = IdeaFilterForm(request.GET or None)
    filters = form.filters() if request.GET else _no_filters()
    data_params = {k: v for k, v in filters.items() if k in ("q", "topic", "area", "status") and v}
    return {
        "filter_form": form,
        "filters": filters,
        "ideas": idea_page(
            filters, request.GET.get("side"), with_point=True, per_page=MAP_LIST_PER_PAGE
        ),
        "query": _query_without_page(request),
        "map_settings": map_settings(),
        "map_data_url": f"{reverse('ideabank:map_data')}?{urlencode(data_params)}",
        "map_strings": {
            "truncated": _("Showing the most supported ideas only. Zoom in to see them all."),
            "shown": _("Ideas on the map:"),
            "supporters": _("supporters"),
            "failed": _("The map could not load the ideas. The list shows them."),
        },
    }


def _no_filters() -> dict:
    return {"q": "", "topic": "", "area": "", "status": "", "sort": Sort.NEWEST}


@require_GET
def idea_list(request):
    return render(request, "ideabank/idea_list.html", idea_list_context(request))


@require_GET
def map_page(request):
    return render(request, "ideabank/map.html", map_page_context(request))


def parse_bbox(raw: str):
    """`minlon,minlat,maxlon,maxlat` as floats, or None when absent or unreadable."""
    try:
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in raw.split(","))
    except (ValueError, AttributeError):
        return None
    if not (min_lon <= max_lon and min_lat <= max_lat):
        return None
    return min_lon, min_lat, max_lon, max_lat


@require_GET
def map_data(request):
    """Published ideas with a place, as GeoJSON, for a bounding box: one query, at most
    MAP_FEATURE_LIMIT features, most supported first; `truncated` says when there were more."""
    # Read directly, not through the form (whose choices cost two queries): an unknown topic
    # or area simply matches nothing.
    filters = {name: request.GET.get(name, "").strip()[:100] for name in ("q", "topic", "area")}
    status = request.GET.get("status", "")
    filters["status"] = status if status in IdeaStatus.values else ""
    # Published-ness as a correlated EXISTS rather than a join, so the database starts from
    # the point index of the bounding box, not from every published contribution.
    published = Contribution.objects.filter(pk=OuterRef("pk"), state=PUBLISHED)
    ideas = filtered_ideas(
        filters,
        with_point=True,
        ideas=Idea.objects.filter(Exists(published), merged_into__isnull=True),
    )
    bbox = parse_bbox(request.GET.get("bbox", ""))
    if request.GET.get("bbox") and bbox is None:
        return JsonResponse({"error": "bbox must be minlon,minlat,maxlon,maxlat"}, status=400)
    if bbox:
        min_lon, min_lat, max_lon, max_lat = bbox
        ideas = ideas.filter(lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon, lon__lte=max_lon)
    rows = list(
        ideas.order_by("-support_count", "-pk").values_list(
            "pk", "public_title", "lat", "lon", "status", "support_count"
        )[: MAP_FEATURE_LIMIT + 1]
    )
    truncated = len(rows) > MAP_FEATURE_LIMIT
    url_pattern = reverse("ideabank:detail", args=[0])
    labels = dict(IdeaStatus.choices)
    features = [
        {
            "type": "Feature",
            "id": pk,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "title": title,
                "status": status,
                "status_label": str(labels.get(status, status)),
                "support_count": supports,
                "url": url_pattern.replace("/0/", f"/{pk}/"),
            },
        }
        for pk, title, lat, lon, status, supports in rows[:MAP_FEATURE_LIMIT]
    ]
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "truncated": truncated,
            "limit": MAP_FEATURE_LIMIT,
        }
    )


@require_GET
def place_search(request):
    results = search_places(request.GET.get("q", ""))
    return JsonResponse({"results": [{**r.as_dict(), "token": r.token} for r in results]})


# ---------------------------------------------------------------- one idea


def comment_page(idea, page_number):
    replies = with_author_badge(Comment.objects.filter(state=PUBLISHED)).order_by(
        "created_at", "pk"
    )
    top = (
        with_author_badge(
            Comment.objects.filter(
                discussion=idea.comments_discussion_id, parent=None, state=PUBLISHED
            )
        )
        .order_by("created_at", "pk")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="published_replies"))
    )
    return Paginator(top, COMMENTS_PER_PAGE).get_page(page_number)


@require_GET
def idea_detail(request, pk):
    idea = get_idea_for_user(request.user, pk)
    user = request.user
    supported = user.is_authenticated and Support.objects.filter(idea=idea, user=user).exists()
    following = user.is_authenticated and Follow.objects.filter(idea=idea, user=user).exists()
    draft = request.session.pop(f"idea-comment-draft-{idea.pk}", None)
    return render(
        request,
        "ideabank/idea_detail.html",
        {
            "idea": idea,
            "topics": idea.topics.all(),
            "photos": idea.photos.all(),
            "history": idea.status_changes.exclude(answer="", status=IdeaStatus.RECEIVED),
            "comments": comment_page(idea, request.GET.get("kommentarer")),
            "comment_form": CommentForm(initial={"body": draft} if draft else None)
            if can_comment(user, idea)
            else None,
            "supported": supported,
            "following": following,
            "show_original": can_see_original(user, idea) and not idea.is_public,
            "can_answer": can_answer(user),
            "map_settings": map_settings() if idea.has_point else None,
            "login_url": _login_url(request.get_full_path()),
            "live_last_id": last_event_id(idea.comments_stream),
        },
    )


@require_GET
def photo(request, pk, photo_id):
    """A photo of an idea the reader may see: a pending or rejected idea's photos are its
    author's and staff's only, like the idea."""
    idea = get_idea_for_user(request.user, pk)
    item = get_object_or_404(IdeaPhoto, pk=photo_id, idea=idea)
    return file_response(
        item.file,
        # The name is in a header anyone may read: redacted like every published field.
        original_name=public_plain(item.original_name),
        content_type=item.content_type,
        inline=True,
        public=idea.is_public,
    )


def _login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


@require_POST
@limit_posts("support")
def support(request, pk):
    idea = get_idea_for_user(request.user, pk)
    withdraw = request.POST.get("action") == "withdraw"
    try:
        if withdraw:
            operations.do_withdraw_support(request.user, idea)
            messages.success(request, _("Your support is withdrawn."))
        elif operations.do_support(request.user, idea):
            messages.success(request, _("Thank you for your support."))
        else:
            messages.info(request, _("You already support this idea."))
    except operations.LoginRequired as error:
        messages.info(request, error.message)
        return redirect(_login_url(reverse("ideabank:detail", args=[pk])))
    except ContributionError as error:
        messages.error(request, error.message)
    return redirect(f"{reverse('ideabank:detail', args=[pk])}#support")


@require_POST
def follow(request, pk):
    idea = get_idea_for_user(request.user, pk)
    try:
        if request.POST.get("action") == "unfollow":
            operations.do_unfollow(request.user, idea)
            messages.success(request, _("You no longer follow this idea."))
        else:
            operations.do_follow(request.user, idea)
            messages.success(
                request, _("You follow this idea and get an e-mail when its status changes.")
            )
    except operations.LoginRequired as error:
        messages.info(request, error.message)
        return redirect(_login_url(reverse("ideabank:detail", args=[pk])))
    return redirect(f"{reverse('ideabank:detail', args=[pk])}#support")


@require_POST
@limit_posts("comment")
def comment(request, pk):
    idea = get_idea_for_user(request.user, pk)
    form = CommentForm(request.POST)
    detail = reverse("ideabank:detail", args=[pk])
    if not form.is_valid():
        messages.error(request, _("Write a comment before you send."))
        return redirect(f"{detail}#debatt")
    parent = None
    parent_id = form.cleaned_data.get("parent")
    if parent_id:
        parent = Comment.objects.filter(pk=parent_id).first()
    try:
        created, _created = operations.do_comment_on_idea(
            request.user,
            idea,
            form.cleaned_data["body"],
            parent=parent,
            idempotency_key=form.cleaned_data.get("idempotency_key") or "",
        )
    except operations.LoginRequired as error:
        messages.info(request, error.message)
        request.session[f"idea-comment-draft-{idea.pk}"] = form.cleaned_data["body"]
        return redirect(_login_url(f"{detail}#debatt"))
    except ContributionError as error:
        messages.error(request, error.message)
        request.session[f"idea-comment-draft-{idea.pk}"] = form.cleaned_data["body"]
        return redirect(f"{detail}#debatt")
    if created.is_public:
        messages.success(request, _("Your comment is published."))
        return redirect(f"{detail}#comment-{created.pk}")
    messages.success(
        request, _("Thank you. Your comment will be published when a moderator has read it.")
    )
    return redirect(f"{detail}#debatt")


# ---------------------------------------------------------------- posting an idea


@require_http_methods(["GET", "POST"])
@limit_posts("idea", when=lambda request: request.POST.get("action") != "find_place")
def post_idea(request):
    if request.method == "GET":
        form = IdeaForm(initial=request.session.get(DRAFT_KEY) or None)
        return _render_post_form(request, form)
    form = IdeaForm(request.POST, request.FILES)
    action = request.POST.get("action", "send")
    if action == "find_place":
        # Without JavaScript the place search is a round trip through this form: what was
        # written comes back as it was, not as errors (the idea is not being sent yet).
        kept = IdeaForm(
            initial={**request.POST.dict(), "topics": request.POST.getlist("topics"), "place": ""}
        )
        query = request.POST.get("place_query", "")
        return _render_post_form(request, kept, place_results=search_places(query), searched=True)
    if not form.is_valid():
        return _render_post_form(request, form)
    data = form.cleaned_data
    lat, lon, address = data.get("lat"), data.get("lon"), ""
    chosen = parse_place_token(data.get("place") or "")
    if chosen:
        lat, lon, address = chosen.lat, chosen.lon, chosen.name
    elif lat is not None:
        address = data.get("place_query", "")
    try:
        idea, _created = operations.do_post_idea(
            request.user,
            title=data["title"],
            body=data["body"],
            topics=list(data["topics"]),
            free_tags=form.free_tag_names() if "free_tags" in form.fields else [],
            lat=lat,
            lon=lon,
            address=address,
            photos=data["photos"],
            idempotency_key=data["idempotency_key"],
        )
    except operations.LoginRequired as error:
        request.session[DRAFT_KEY] = {
            "title": data["title"],
            "body": data["body"],
            "topics": [t.slug for t in data["topics"]],
            "place": data.get("place") or "",
            "lat": lat,
            "lon": lon,
            "idempotency_key": data["idempotency_key"],
        }
        messages.info(request, error.message)
        return redirect(_login_url(reverse("ideabank:post")))
    except ContributionError as error:
        form.add_error(None, error.message)
        return _render_post_form(request, form)
    request.session.pop(DRAFT_KEY, None)
    if idea.is_public:
        messages.success(request, _("Thank you. Your idea is published."))
    else:
        messages.success(
            request, _("Thank you. Your idea will be published when a moderator has read it.")
        )
    return redirect("ideabank:detail", pk=idea.pk)


def _render_post_form(request, form, place_results=None, searched=False):
    chosen = None
    raw = form.data.get("place") if form.is_bound else form.initial.get("place")
    if raw:
        chosen = parse_place_token(raw)
    return render(
        request,
        "ideabank/idea_form.html",
        {
            "form": form,
            "place_results": [(r, r.token) for r in place_results or []],
            "searched": searched,
            "chosen_place": chosen,
            "map_settings": map_settings(),
            "place_strings": {
                "clicked": _("Chosen place: the point you clicked on the map."),
                "choose": _("Choose the place"),
                "none": _("No place found. Try another spelling, or click on the map."),
                "failed": _("The place search failed. Try again, or click on the map."),
            },
            "login_url": _login_url(request.get_full_path()),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
