from django.urls import path

from . import views

app_name = "learning"
lesson = "courses/<slug:slug>/lessons/<slug:lesson_slug>/"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("courses/<slug:slug>/enroll/", views.enroll, name="enroll"),
    path("courses/<slug:slug>/unenroll/", views.unenroll, name="unenroll"),
    path("courses/<slug:slug>/learn/", views.resume, name="resume"),
    path("courses/<slug:slug>/review/", views.review, name="review"),
    path("courses/<slug:slug>/review/delete/", views.review_delete, name="review_delete"),
    path("courses/<slug:slug>/wishlist/", views.wishlist, name="wishlist"),
    path(lesson, views.lesson_detail, name="lesson"),
    path(lesson + "complete/", views.complete, name="complete"),
    path(lesson + "files/<int:pk>/", views.attachment, name="attachment"),
    path(lesson + "video/", views.lesson_video, name="lesson_video"),
    path("certificates/<uuid:uuid>/", views.certificate_detail, name="certificate"),
]
