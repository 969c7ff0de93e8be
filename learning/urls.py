from django.urls import path

from . import quiz_views, views
from .conversation import views as conversation

app_name = "learning"
lesson = "courses/<slug:slug>/lessons/<slug:lesson_slug>/"
question = "courses/<slug:slug>/questions/<int:pk>/"
answer = "courses/<slug:slug>/answers/<int:pk>/"
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
    path(lesson + "quiz/", quiz_views.quiz_submit, name="quiz"),
    path("courses/<slug:slug>/finish/", quiz_views.finish, name="finish"),
    path(lesson + "files/<int:pk>/", views.attachment, name="attachment"),
    path(lesson + "video/", views.lesson_video, name="lesson_video"),
    path("certificates/<uuid:uuid>/", views.certificate_detail, name="certificate"),
    # The course conversation (learning/conversation/)
    path("courses/<slug:slug>/questions/", conversation.question_list, name="questions"),
    path("courses/<slug:slug>/questions/ask/", conversation.ask, name="ask"),
    path(question, conversation.question_detail, name="question"),
    path(question + "edit/", conversation.question_edit, name="question_edit"),
    path(question + "delete/", conversation.question_delete, name="question_delete"),
    path(question + "moderate/", conversation.question_moderate, name="question_moderate"),
    path(question + "answer/", conversation.answer_create, name="answer"),
    path(answer + "edit/", conversation.answer_edit, name="answer_edit"),
    path(answer + "delete/", conversation.answer_delete, name="answer_delete"),
    path(answer + "accept/", conversation.answer_accept, name="answer_accept"),
    path(answer + "moderate/", conversation.answer_moderate, name="answer_moderate"),
    path(
        "courses/<slug:slug>/announcements/",
        conversation.announcement_list,
        name="announcements",
    ),
]
