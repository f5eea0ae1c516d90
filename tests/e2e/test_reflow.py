"""Reflow (WCAG 1.4.10): on a 320 px phone no page scrolls sideways, for anyone, in any language.

The pages come from the demo data and the URL conf: every live CMS page, every hearing's
pages and forms, the idea bank (list, map, form, a few ideas and the report form), the citizen
initiatives, and the pages of one's own account. Each role visits what it can see; the
language rotates with the page (nb, nn, en), so every page type is seen in more than one
language across the roles while a run stays bounded (about 40 pages a role).
"""

import pytest

from participation.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"width": 320, "height": 640}
LANGUAGE_PREFIXES = ("", "/nn", "/en")
ROLES = {
    "anonymous": None,
    "resident": "innbygger@demo.medvirkning.no",
    "planner": "planlegger@demo.medvirkning.no",
    "moderator": "moderator@demo.medvirkning.no",
    "politician": "politiker@demo.medvirkning.no",
}
IDEAS_PER_ROLE = 4

# Opens every <details> (reply forms, earlier answers), then names the widest element that
# sticks out of the viewport and is not clipped by a scrolling or hidden-overflow ancestor.
_SIDEWAYS_SCROLL = """() => {
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  const root = document.documentElement;
  const viewport = root.clientWidth;
  if (root.scrollWidth <= viewport) return null;
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  let widest = null;
  let width = -1;
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right > viewport + 0.5 && box.width >= width && !clipped(el)) {
      widest = el;
      width = box.width;
    }
  }
  const classes = widest ? (widest.getAttribute("class") || "").trim().split(/\\s+/) : [];
  const name = widest
    ? widest.tagName.toLowerCase() + (widest.id ? "#" + widest.id : "")
      + classes.filter(Boolean).map((c) => "." + c).join("")
    : "?";
  return `page is ${root.scrollWidth} px wide in a ${viewport} px window;`
    + ` widest element sticking out: <${name}> ${Math.round(width)} px`;
}"""


def _pages_for(role: str) -> list[str]:
    """Paths (without language prefix) of the pages this role can reach from the demo data."""
    from django.urls import reverse
    from wagtail.models import Page

    from hearings.models import Hearing
    from ideabank.models import Idea
    from initiatives.models import Initiative

    paths = [
        page.specific.url
        for page in Page.objects.live().filter(depth__gt=1).order_by("path")
        if page.specific.url
    ]
    for hearing in Hearing.objects.order_by("pk"):
        paths += [
            reverse("hearings:submissions", args=[hearing.pk]),
            reverse("hearings:submit", args=[hearing.pk]),
            reverse("hearings:comment", args=[hearing.pk]),
        ]
    paths += [reverse("ideabank:list"), reverse("ideabank:map"), reverse("ideabank:post")]
    ideas = list(Idea.objects.filter(state=Idea.State.PUBLISHED).order_by("pk")[:IDEAS_PER_ROLE])
    paths += [reverse("ideabank:detail", args=[idea.pk]) for idea in ideas]
    if ideas:
        paths.append(reverse("contributions:report", args=[ideas[0].pk]))
    paths += [reverse("initiatives:list"), reverse("initiatives:start")]
    paths += [
        reverse("initiatives:detail", args=[initiative.pk])
        for initiative in Initiative.objects.order_by("pk")[:3]
    ]
    if role == "anonymous":
        paths += [reverse("account_login"), reverse("account_signup")]
    else:
        paths += [
            reverse("profile"),
            reverse("privacy"),
            reverse("follows:index"),
            reverse("account_email"),
        ]
    return list(dict.fromkeys(paths))


@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways_on_a_320_px_phone(page, login, demo_site, role):
    if email := ROLES[role]:
        login(page, email, DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    paths = _pages_for(role)
    assert len(paths) > 20, paths  # the demo data really gave us pages to look at

    problems = []
    for index, path in enumerate(paths):
        url = LANGUAGE_PREFIXES[index % len(LANGUAGE_PREFIXES)] + path
        response = page.goto(url)
        if response is None or not response.ok:
            problems.append(f"{url}: HTTP {response.status if response else '?'}")
            continue
        if found := page.evaluate(_SIDEWAYS_SCROLL):
            problems.append(f"{url}: {found}")
    assert not problems, f"Pages that scroll sideways at 320 px as {role}:\n" + "\n".join(problems)


def test_the_hearing_facts_fit_inside_their_card_on_a_320_px_phone(page, demo_site):
    # The card clips what sticks out, so the page does not scroll: the values were just cut off.
    page.set_viewport_size(PHONE)
    page.goto("/nn/sentrum-skole-og-park/")

    card = page.locator(".hearing-status").bounding_box()
    for value in page.locator(".hearing-status .facts dd").all():
        box = value.bounding_box()
        assert box["width"] > 0, value.inner_text()
        assert box["x"] + box["width"] <= card["x"] + card["width"], value.inner_text()
