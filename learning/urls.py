from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]
