"""A published plan page for a hearing, for the tests that read the plan page."""


def publish_plan_page(hearing, home=None):
    """A published plan page showing `hearing` (its comments and submissions), under `home`
    (the site's home page when not given)."""
    from cms.models import HomePage, PlanPage

    home = home or HomePage.objects.first()
    page = PlanPage(
        title=f"Plan {hearing.pk}",
        slug=f"plan-{hearing.pk}",
        case_number=hearing.case_number,
        intro="Kort om planen.",
        hearing=hearing,
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page
