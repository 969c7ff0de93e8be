from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from users.models import User

from .models import Category, Course, Lesson, Section


class CourseListView(ListView):
    template_name = "courses/course_list.html"
    context_object_name = "courses"
    paginate_by = 12

    def get_queryset(self):
        return Course.objects.published().for_cards().order_by("-published_at", "-id")


class CategoryView(CourseListView):
    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().filter(category=self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class CourseDetailView(DetailView):
    template_name = "courses/course_detail.html"
    context_object_name = "course"

    def get_queryset(self):
        lessons = Lesson.objects.only(
            "id", "section_id", "course_id", "title", "slug", "order", "kind", "duration", "is_preview"
        )
        return (
            Course.objects.visible_to(self.request.user)
            .for_cards()
            .prefetch_related(
                Prefetch(
                    "sections",
                    queryset=Section.objects.prefetch_related(Prefetch("lessons", queryset=lessons)),
                )
            )
        )


class InstructorView(DetailView):
    template_name = "courses/instructor_detail.html"
    context_object_name = "instructor"
    slug_field = "username"
    slug_url_kwarg = "username"

    def get_queryset(self):
        return User.objects.filter(courses_taught__isnull=False).distinct()

    def get_context_data(self, **kwargs):
        courses = Course.objects.published().for_cards().filter(instructors=self.object)
        return super().get_context_data(courses=courses, **kwargs)
