"""Form fields and error summaries in Designsystemet's markup.

    {% load ds_forms %}
    {% ds_error_summary form %}
    {% ds_field form.email %}

Every input gets its <label for>, and its help text and error through aria-describedby.
"""

from django import forms, template

register = template.Library()

_CHECKABLE = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


def _first_field_id(form) -> str:
    for field in form.visible_fields():
        return field.id_for_label or ""
    return ""


@register.inclusion_tag("accounts/includes/error_summary.html")
def ds_error_summary(form):
    """The list of problems at the top of a form that failed, each linking to its field."""
    errors = []
    if form.is_bound:
        first = _first_field_id(form)
        errors += [{"message": message, "target": first} for message in form.non_field_errors()]
        for field in form:
            if field.is_hidden:
                continue
            errors += [{"message": m, "target": field.id_for_label} for m in field.errors]
    return {"errors": errors}


@register.inclusion_tag("accounts/includes/field.html")
def ds_field(field, description=""):
    """One field: label, description, input, validation message."""
    widget_id = field.id_for_label
    described_by = []
    help_text = field.help_text or description
    if help_text:
        described_by.append(f"{widget_id}-description")
    if field.errors:
        described_by.append(f"{widget_id}-error")
    # Placeholders repeat the label and vanish while typing; Designsystemet advises against.
    attrs = {"class": "ds-input", "placeholder": False}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return {
        "field": field,
        "widget": field.as_widget(attrs=attrs),
        "widget_id": widget_id,
        "help_text": help_text,
        "checkable": isinstance(field.field.widget, _CHECKABLE),
    }
