"""Making submissions for the planner-side tests: one at a time, or thousands at once."""

from itertools import count

from django.db import connection

from hearings.models import Submission
from hearings.operations import text_fingerprint
from participation.contributions.models import Contribution

_numbers = count(1)


def submission_fields(hearing, body="Jeg er imot planen.", **fields):
    n = next(_numbers)
    fields.setdefault("author_name", f"Innbygger {n}")
    fields.setdefault("state", Contribution.State.PUBLISHED)
    return {
        "kind": Contribution.Kind.SUBMISSION,
        "hearing": hearing,
        "discussion_id": hearing.discussion_id,
        "reference": fields.pop("reference", f"{hearing.case_number}-{n}"),
        "body": body,
        "public_html": f"<p>{body}</p>",
        "text_fingerprint": text_fingerprint(body),
        **fields,
    }


def make_submission(hearing, body="Jeg er imot planen.", **fields) -> Submission:
    return Submission.objects.create(**submission_fields(hearing, body, **fields))


def make_many_submissions(hearing, bodies, **fields) -> list[int]:
    """Thousands of submissions in a few queries: Django cannot bulk-create across
    multi-table inheritance, so the parent rows are bulk-created and the child rows inserted
    with one executemany."""
    objects = [Submission(**submission_fields(hearing, body, **fields)) for body in bodies]
    parent_fields = {f.attname for f in Contribution._meta.concrete_fields}
    parents = Contribution.objects.bulk_create(
        [
            Contribution(
                **{k: v for k, v in obj.__dict__.items() if k in parent_fields and k != "id"},
            )
            for obj in objects
        ],
        batch_size=1000,
    )
    child_fields = [f for f in Submission._meta.local_concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in child_fields)
    marks = ", ".join(["%s"] * len(child_fields))
    table = connection.ops.quote_name(Submission._meta.db_table)
    rows = []
    for obj, parent in zip(objects, parents, strict=True):
        obj.contribution_ptr_id = parent.pk
        rows.append([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in child_fields])
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
    return [p.pk for p in parents]
