"""What the platform holds about a person: one registry for the export and for deletion.

Every field in every model that points at the user (ForeignKey, OneToOne, the through table of
a ManyToMany, and every GenericForeignKey) must be registered here, with what the person's
export shows of it and what deleting the account does to it. `tests/accounts/test_privacy.py`
walks all models, third-party ones included, and fails on a field nobody registered.

Registering from another app: put a module `privacy.py` in the app (it is imported the first
time the registry is used, like `admin.py`), and call `register` once per field::

    # initiatives/privacy.py
    from django.utils.translation import gettext_lazy as _

    from participation.accounts.privacy import OnDelete, register

    register(
        "initiatives.Signature",
        "user",
        section="signatures",
        title=_("Signatures on citizen initiatives"),
        on_delete=OnDelete.ANONYMISE,
        # the rows for the export; default: the fields below of every row with field=user
        fields=["initiative__title", "created_at"],
        # what else to clear when the link is cut (a copy of the person's identity hash …)
        clear={"identity_hash": None},
    )

`on_delete` says what deleting the account does to the rows:

- DELETE: the rows go.
- ANONYMISE: the rows stay (a count, a record of a decision) and no longer point at anyone;
  `clear` names other columns to empty at the same time.
- PUBLIC_RECORD: the rows that are public records stay under the published name, without the
  link to the person; the others go. The app gives its own `erase(user)`.
- STAFF_RECORD: what someone did as staff in the admin (page revisions, log entries, exports).
  Kept without the person where the column may be empty, otherwise deleted with the account.

`export(user)` returns a list of plain dicts (JSON-safe values) and `erase(user)` does the
deletion; both default to what `on_delete`, `fields` and `clear` say. `erase` runs inside
`do_delete_account`'s transaction, before the user row is deleted.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.apps import apps
from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules


class OnDelete(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    PUBLIC_RECORD = "public_record"
    STAFF_RECORD = "staff_record"


@dataclass
class Entry:
    model_label: str  # "app_label.ModelName", as the field's own model (MTI: the parent)
    field: str  # the name of the field that points at the user (or the GenericForeignKey)
    section: str  # the key in the export
    title: Promise | str  # the heading in the readable export
    on_delete: OnDelete
    fields: list[str] = field(default_factory=list)
    clear: dict = field(default_factory=dict)
    export_fn: Callable | None = None
    erase_fn: Callable | None = None
    generic: bool = False  # a GenericForeignKey: rows whose object is the user

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.model_label)

    @property
    def key(self) -> tuple[str, str]:
        return (self.model_label.lower(), self.field)

    def queryset(self, user) -> QuerySet:
        model = self.model
        manager = model._base_manager
        if self.generic:
            from django.contrib.contenttypes.models import ContentType

            gfk = model._meta.get_field(self.field)
            ct = ContentType.objects.get_for_model(user._meta.model)
            return manager.filter(**{gfk.ct_field: ct, gfk.fk_field: str(user.pk)})
        return manager.filter(**{self.field: user})

    def export(self, user) -> list[dict]:
        if self.export_fn is not None:
            return self.export_fn(user)
        rows = []
        for values in self.queryset(user).order_by("pk").values("pk", *self.fields):
            rows.append({("id" if k == "pk" else k): plain(v) for k, v in values.items()})
        return rows

    def erase(self, user) -> None:
        if self.erase_fn is not None:
            self.erase_fn(user)
            return
        queryset = self.queryset(user)
        field_ = None if self.generic else self.model._meta.get_field(self.field)
        if self.on_delete == OnDelete.DELETE or (field_ is not None and not field_.null):
            queryset.delete()
        elif self.on_delete in (OnDelete.ANONYMISE, OnDelete.STAFF_RECORD):
            queryset.update(**{self.field: None, **self.clear})
        else:
            raise NotImplementedError(
                f"{self.model_label}.{self.field}: a PUBLIC_RECORD needs its own erase()"
            )


_registry: dict[tuple[str, str], Entry] = {}
_discovered = False


def register(
    model_label: str,
    field_name: str,
    *,
    section: str,
    title,
    on_delete: OnDelete,
    fields=(),
    clear=None,
    export: Callable | None = None,
    erase: Callable | None = None,
    generic: bool = False,
) -> Entry:
    entry = Entry(
        model_label=model_label,
        field=field_name,
        section=section,
        title=title,
        on_delete=OnDelete(on_delete),
        fields=list(fields),
        clear=dict(clear or {}),
        export_fn=export,
        erase_fn=erase,
        generic=generic,
    )
    _registry[entry.key] = entry
    return entry


def entries() -> list[Entry]:
    """Every registered field, in registration order (the order of the export)."""
    global _discovered
    if not _discovered:
        _discovered = True
        from participation.accounts.privacy import builtin  # noqa: F401 (registers)

        autodiscover_modules("privacy")
    return list(_registry.values())


def lookup(model_label: str, field_name: str) -> Entry | None:
    entries()
    return _registry.get((model_label.lower(), field_name))


def plain(value):
    """A value as JSON can hold it."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | Promise):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value
