"""The app's settings and their defaults, read in one place."""

from django.conf import settings

DEFAULT_CONTACT_MODEL = "wagtail_contactgroups.Contact"


def get_setting(name: str, default=None):
    """Return ``settings.WAGTAIL_CONTACTGROUPS_<name>`` or ``default``."""
    return getattr(settings, f"WAGTAIL_CONTACTGROUPS_{name}", default)


def get_contact_model_string() -> str:
    """Return the ``app_label.ModelName`` of the contact model in use."""
    return get_setting("CONTACT_MODEL", DEFAULT_CONTACT_MODEL)


def get_contact_model():
    """Return the contact model selected by ``WAGTAIL_CONTACTGROUPS_CONTACT_MODEL``."""
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    model_string = get_contact_model_string()
    try:
        return apps.get_model(model_string, require_ready=False)
    except ValueError as error:
        raise ImproperlyConfigured(
            "WAGTAIL_CONTACTGROUPS_CONTACT_MODEL must look like 'app_label.ModelName', "
            f"not {model_string!r}."
        ) from error
    except LookupError as error:
        raise ImproperlyConfigured(
            f"WAGTAIL_CONTACTGROUPS_CONTACT_MODEL refers to {model_string!r}, which is "
            "not an installed model. Add its app to INSTALLED_APPS."
        ) from error


def max_condition_groups() -> int:
    """Maximum number of condition groups in one contact group."""
    return get_setting("MAX_CONDITION_GROUPS", 20)


def max_conditions_per_group() -> int:
    """Maximum number of conditions in one condition group."""
    return get_setting("MAX_CONDITIONS_PER_GROUP", 50)


def max_list_values() -> int:
    """Maximum number of values in one list parameter ("is one of", tags, ...)."""
    return get_setting("MAX_LIST_VALUES", 500)


def auto_update_enabled() -> bool:
    """Whether contact saves and new activities update memberships at once."""
    return get_setting("AUTO_UPDATE", True)


def stale_run_seconds() -> int:
    """Seconds after which a recalculation still marked running counts as dead.

    Defaults to django-q2's ``Q_CLUSTER["timeout"]`` plus a minute: by then
    the cluster has stopped the task, so a group still running lost its worker.
    """
    configured = get_setting("STALE_RUN_SECONDS")
    if configured:
        return int(configured)
    timeout = getattr(settings, "Q_CLUSTER", {}).get("timeout")
    return int(timeout) + 60 if timeout else 3600


def track_page_visits() -> bool:
    """Whether page views of recognised contacts are recorded as activities."""
    return get_setting("TRACK_PAGE_VISITS", False)


def tracking_cookie_name() -> str:
    """Name of the signed cookie that identifies a known contact."""
    return get_setting("TRACKING_COOKIE_NAME", "contactgroups_contact")


def tracking_cookie_max_age() -> int:
    """Seconds the tracking cookie stays valid (default 365 days)."""
    return get_setting("TRACKING_COOKIE_MAX_AGE", 365 * 24 * 60 * 60)


def tracking_link_max_age() -> int:
    """Seconds a link made by ``contact_tracking_url`` stays valid (90 days)."""
    return get_setting("TRACKING_LINK_MAX_AGE", 90 * 24 * 60 * 60)
