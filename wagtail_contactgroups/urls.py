"""Public URLs of the app: the tracking link of newsletters and other emails."""

from django.urls import path

from .tracking import follow_tracking_link

urlpatterns = [
    path("link/", follow_tracking_link, name="wagtail_contactgroups_track"),
]
