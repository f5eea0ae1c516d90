from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def admin_widgets_without_inline_scripts():
    """Starts Wagtail's date and time pickers without the inline scripts the CSP refuses."""
    return format_html('<script src="{}" defer></script>', static("participation/admin_widgets.js"))
