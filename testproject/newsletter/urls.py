from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("open/<str:token>/", views.track_open, name="open"),
    path("click/<str:token>/", views.track_click, name="click"),
]
