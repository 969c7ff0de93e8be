from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("courses/", views.course_list, name="list"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("courses/<slug:slug>/", views.course_detail, name="detail"),
    path("instructors/<str:username>/", views.instructor_detail, name="instructor"),
]
