from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("courses/", views.CourseListView.as_view(), name="list"),
    path("categories/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("courses/<slug:slug>/", views.CourseDetailView.as_view(), name="detail"),
    path("instructors/<str:username>/", views.InstructorView.as_view(), name="instructor"),
]
