import functools
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import BaseCommand, CommandError, call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify as django_slugify

from courses.models import (
    Attachment,
    Category,
    Course,
    CourseInstructor,
    Lesson,
    QuizOption,
    QuizQuestion,
    Section,
)
from learning.models import (
    Announcement,
    Answer,
    Certificate,
    Enrollment,
    LessonProgress,
    Question,
    QuizAnswer,
    QuizAttempt,
    Review,
    WishlistItem,
)
from users.models import INSTRUCTORS_GROUP, User

SYNTHETIC_DOMAIN = "synthetic.example"
SYNTHETIC_PASSWORD = "synthetic-pass-2026"
EPOCH = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)

# Category tree: top-level slug/name → subcategories (shared with the demo where slugs match).
# fmt: off
TREE = {
    ("development", "Development"): ["Web Development", "Data Science", "Mobile Apps",
                                     "Programming Languages", "DevOps", "Game Development"],
    ("design", "Design"): ["UX Design", "Graphic Design", "3D and Animation", "Interior Design"],
    ("business", "Business"): ["Entrepreneurship", "Project Management", "Finance", "Sales"],
    ("photography-video", "Photography & Video"): ["Photography", "Video Production"],
    ("music", "Music"): ["Music Production", "Instruments", "Vocals"],
    ("marketing", "Marketing"): ["Digital Marketing", "SEO", "Social Media", "Branding"],
    ("personal-development", "Personal Development"): ["Productivity", "Leadership",
                                                       "Public Speaking", "Languages"],
    ("health-fitness", "Health & Fitness"): ["Yoga", "Nutrition", "Running", "Mental Health"],
}
TOPICS = (  # noqa: SIM905 - a word list reads better as text
    "Python Django Flask FastAPI JavaScript TypeScript React Vue Svelte Node Rust Go Kotlin Swift "
    "Java Haskell Elixir SQL PostgreSQL SQLite Redis Docker Kubernetes Terraform Linux Git "
    "pandas NumPy statistics regression forecasting visualisation Excel Tableau Figma Sketch "
    "Blender typography colour illustration branding logos watercolour portraits landscapes "
    "lighting editing Lightroom Photoshop Premiere Resolve storytelling podcasting mixing "
    "mastering synthesis guitar piano drums singing harmony rhythm budgeting investing "
    "accounting negotiation pitching marketing copywriting SEO analytics advertising email "
    "leadership coaching meditation mindfulness yoga pilates nutrition running strength "
    "Spanish French German Japanese Portuguese Italian writing speaking habits focus"
).split()
OPENERS = ["Practical", "Modern", "Complete", "Hands-on", "Essential", "Advanced", "Creative",
           "Professional", "Applied", "Fearless", "Everyday", "Pragmatic", "Rapid", "Deep"]
SHAPES = ["{o} {t}", "{t} for Beginners", "{o} {t} Masterclass", "{t} from Scratch",
          "{t} and {u} in Practice", "Mastering {t}", "{o} {t} Bootcamp", "{t} Essentials",
          "The {t} Handbook", "{t} for {u} Lovers", "Learn {t} in 30 Days", "{t} Deep Dive"]
VERBS = ["build", "design", "analyse", "debug", "plan", "ship", "test", "explore", "present",
         "automate", "measure", "improve", "compose", "edit", "sketch", "launch"]
OBJECTS = ["projects", "habits", "portfolios", "dashboards", "prototypes", "apps", "reports",
           "stories", "campaigns", "routines", "tracks", "photo series", "workflows", "teams"]
REVIEWS = ["Clear and practical.", "Great pace and useful exercises.", "Exactly what I needed.",
           "A bit slow in the middle, but worth it.", "The projects made it click.",
           "Good content, the audio could be better.", "Too basic for me.",
           "Brilliant instructor, I learnt a lot.", "Solid course, would recommend."]
ANSWERS = ["Check the order of the steps in the lesson.", "Restart from the last exercise.",
           "The **second** example covers exactly this.", "Read the error message from the top."]
# About this share of enrolments come with a question.
THREAD_SHARE = 0.15
# Every QUIZ_EVERY-th course ends with a quiz of QUIZ_QUESTIONS questions of three options each
# (chosen by position, not by the random generator: the rest of a seed's catalog is unchanged).
QUIZ_EVERY = 4
QUIZ_QUESTIONS = 3
QUIZ_NAMESPACE = uuid.UUID("5eed0000-0000-4000-8000-00000000a11a")
VIDEOS = ["https://www.youtube.com/watch?v=aqz-KE-bpKQ", "https://vimeo.com/76979871",
          "https://www.youtube.com/watch?v=eRsGyueVLvQ", "https://youtu.be/R6MlUcmOul8"]
FIRST = ["Ana", "Ben", "Chen", "Dara", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jia", "Kai", "Lea",
         "Milo", "Nia", "Oren", "Pia", "Quinn", "Rui", "Sana", "Tom", "Uma", "Vik", "Wren", "Yara"]
LAST = ["Abbott", "Berg", "Costa", "Dubois", "Eze", "Fischer", "García", "Hale", "Ito", "Jensen",
        "Khan", "Lind", "Moreau", "Novak", "Okafor", "Park", "Rossi", "Sato", "Tan", "Weiss"]
LEVELS = [(Course.Level.BEGINNER, 4), (Course.Level.INTERMEDIATE, 3),
          (Course.Level.ADVANCED, 2), (Course.Level.ALL, 2)]
LANGUAGES = [("en", 14), ("es", 2), ("fr", 1), ("de", 1), ("pt", 1), ("it", 1)]
# fmt: on


# Titles repeat across 150,000 lessons: slugify each distinct one once.
slugify = functools.lru_cache(maxsize=None)(django_slugify)


def synthetic_users():
    return User.objects.filter(email__iendswith="@" + SYNTHETIC_DOMAIN)


def synthetic_courses():
    return Course.objects.filter(instructors__email__iendswith="@" + SYNTHETIC_DOMAIN)


def non_synthetic_data_exists():
    """Any user outside the synthetic domain, or any course taught by nobody synthetic."""
    real_users = User.objects.exclude(email__iendswith="@" + SYNTHETIC_DOMAIN)
    real_courses = Course.objects.exclude(pk__in=synthetic_courses().values("pk"))
    return real_users.exists() or real_courses.exists()


def weighted(rng, pairs):
    return rng.choices([value for value, _ in pairs], [weight for _, weight in pairs])[0]


class Progress:
    """A one-line progress bar per phase, written to the command's stderr."""

    def __init__(self, stream, enabled):
        self.stream, self.enabled, self.started = stream, enabled, time.monotonic()

    def __call__(self, label, done, total):
        if not self.enabled:
            return
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        elapsed = time.monotonic() - self.started
        end = "\n" if done >= total else ""
        line = f"\r{label:<18} [{bar}] {done:>8}/{total:<8} {elapsed:6.1f}s"
        self.stream.write(line, ending=end)
        self.stream.flush()


class Command(BaseCommand):
    """Fill the database with a large, deterministic synthetic catalog for benchmarks.

    Every synthetic user has an @synthetic.example address (password synthetic-pass-2026);
    a synthetic course is one taught by synthetic instructors. Re-running replaces the previous
    synthetic catalog. Counters (lessons, duration, enrolments, ratings) are computed in memory
    and inserted with the rows, so the catalog is consistent without any recount.
    """

    help = "Create a synthetic catalog: seed_catalog --courses N [--seed S] [--learners M]."

    def add_arguments(self, parser):
        parser.add_argument("--courses", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--learners", type=int, help="default: courses / 5, at least 10")
        parser.add_argument("--instructors", type=int, help="default: courses / 40, at least 3")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--force", action="store_true", help="seed even though non-synthetic data exists"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        n_courses = options["courses"]
        if n_courses < 1:
            raise CommandError("--courses must be at least 1.")
        if non_synthetic_data_exists() and not options["force"]:
            raise CommandError(
                "The database holds non-synthetic data (users or courses): refusing to seed. "
                "Use a fresh database, or --force to add the synthetic catalog beside it."
            )
        n_learners = options["learners"]
        if n_learners is None:
            n_learners = max(10, n_courses // 5)
        n_instructors = options["instructors"] or max(3, n_courses // 40)
        if n_learners < 0:
            raise CommandError("--learners cannot be negative.")
        self.batch = options["batch_size"]
        self.progress = Progress(self.stderr, not options["no_progress"])
        self.rng = random.Random(options["seed"])
        started = time.monotonic()
        with transaction.atomic():
            self.clear()
            categories = self.categories()
            instructors = self.users("instructor", n_instructors, staff=True)
            learners = self.users("learner", n_learners)
            courses = self.courses(n_courses, categories, instructors, learners)
        call_command("rebuild_catalog", verbosity=0)
        analyzed = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"ANALYZE: planner statistics gathered in {time.monotonic() - analyzed:.1f}s."
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {len(courses)} courses, {len(instructors)} instructors, "
                f"{len(learners)} learners in {time.monotonic() - started:.1f}s."
            )
        )

    def clear(self):
        """Delete the previous synthetic catalog (cheap deletes, children first)."""
        course_ids = list(synthetic_courses().values_list("pk", flat=True).distinct())
        user_ids = list(synthetic_users().values_list("pk", flat=True))
        for start in range(0, len(course_ids), 500):
            chunk = course_ids[start : start + 500]
            Answer.objects.filter(question__course__in=chunk).delete()
            for model, lookup in (
                (QuizAnswer, "question__lesson__course__in"),
                (QuizAttempt, "course__in"),
                (QuizOption, "question__lesson__course__in"),
                (QuizQuestion, "lesson__course__in"),
            ):
                model.objects.filter(**{lookup: chunk})._raw_delete(model.objects.db)
            for model in (Question, Announcement):
                model.objects.filter(course__in=chunk)._raw_delete(model.objects.db)
            QuizAnswer.objects.filter(attempt__course__in=chunk)._raw_delete(QuizAnswer.objects.db)
            for model in (QuizAttempt, LessonProgress, Review, Enrollment, WishlistItem,
                          Certificate):  # fmt: skip
                model.objects.filter(course__in=chunk)._raw_delete(model.objects.db)
            QuizOption.objects.filter(question__lesson__course__in=chunk).delete()
            QuizQuestion.objects.filter(lesson__course__in=chunk).delete()
            Attachment.objects.filter(lesson__course__in=chunk).delete()
            Lesson.objects.filter(course__in=chunk)._raw_delete(Lesson.objects.db)
            Section.objects.filter(course__in=chunk)._raw_delete(Section.objects.db)
            CourseInstructor.objects.filter(course__in=chunk)._raw_delete(Course.objects.db)
            Course.objects.filter(pk__in=chunk)._raw_delete(Course.objects.db)
        for start in range(0, len(user_ids), 500):
            chunk = user_ids[start : start + 500]
            Answer.objects.filter(Q(author__in=chunk) | Q(question__author__in=chunk)).delete()
            Question.objects.filter(author__in=chunk).delete()
            Announcement.objects.filter(author__in=chunk).update(author=None)
            QuizAnswer.objects.filter(attempt__user__in=chunk)._raw_delete(QuizAnswer.objects.db)
            QuizAttempt.objects.filter(user__in=chunk)._raw_delete(QuizAttempt.objects.db)
            for model in (LessonProgress, Review, Enrollment, WishlistItem, Certificate):
                model.objects.filter(user__in=chunk)._raw_delete(model.objects.db)
            EmailAddress.objects.filter(user__in=chunk).delete()
            User.groups.through.objects.filter(user__in=chunk).delete()
            User.objects.filter(pk__in=chunk)._raw_delete(User.objects.db)

    def categories(self):
        leaves = []
        for order, ((slug, name), children) in enumerate(TREE.items()):
            parent, _ = Category.objects.get_or_create(
                slug=slug, defaults={"name": name, "order": order, "description": name + "."}
            )
            for child_order, child in enumerate(children):
                category, _ = Category.objects.get_or_create(
                    slug=slugify(child),
                    defaults={"name": child, "parent": parent, "order": child_order},
                )
                leaves.append(category)
            leaves.append(parent)
        return leaves

    def users(self, role, count, *, staff=False):
        password = make_password(SYNTHETIC_PASSWORD)
        rng = self.rng
        users = []
        for i in range(count):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            users.append(
                User(
                    email=f"{role}{i}@{SYNTHETIC_DOMAIN}",
                    username=f"syn-{role}-{i}",
                    name=name,
                    headline=f"{rng.choice(OPENERS)} {rng.choice(TOPICS)} {role}",
                    bio=f"{name} teaches {rng.choice(TOPICS)} and {rng.choice(TOPICS)}."
                    if staff
                    else "",
                    is_staff=staff,
                    password=password,
                )
            )
        users = self.insert(User, users, f"{role}s")
        self.insert(
            EmailAddress,
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            "email addresses",
        )
        if staff:
            group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
            through = User.groups.through
            self.insert(through, [through(user_id=u.pk, group_id=group.pk) for u in users], "roles")
        return users

    def insert(self, model, objects, label):
        """bulk_create in batches (for the small tables that need model instances back)."""
        total = len(objects)
        for start in range(0, total, self.batch):
            model.objects.bulk_create(objects[start : start + self.batch], batch_size=self.batch)
            self.progress(label, min(start + self.batch, total), total)
        return objects

    def insert_rows(self, model, names, rows, label):
        """INSERT plain tuples with executemany: the big tables skip model instances entirely.

        `names` are the fields each row gives; every other concrete field gets its default
        (auto_now / auto_now_add fields get the current time), so a new column with a default
        does not break seeding.
        """
        now = timezone.now()
        given = [model._meta.get_field(name) for name in names]
        rest = [f for f in model._meta.concrete_fields if f not in given and not f.primary_key]
        constants = []
        for field in rest:
            value = (
                now
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
                else field.get_default()
            )
            constants.append(field.get_db_prep_save(value, connection))
        columns = ", ".join(connection.ops.quote_name(f.column) for f in [*given, *rest])
        marks = ", ".join(["%s"] * (len(given) + len(rest)))
        table = connection.ops.quote_name(model._meta.db_table)
        # Only quoted model metadata goes into the SQL; every value is a parameter.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        extra = tuple(constants)
        total = len(rows)
        with connection.cursor() as cursor:
            for start in range(0, total, self.batch):
                cursor.executemany(sql, [row + extra for row in rows[start : start + self.batch]])
                self.progress(label, min(start + self.batch, total), total)

    def next_id(self, model):
        return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    def courses(self, count, categories, instructors, learners):
        rng = self.rng
        plans = [self.plan_course(i, categories) for i in range(count)]
        # Learner activity first, so counters go in with the course rows.
        activity = self.plan_activity(plans, learners)
        courses = self.insert(Course, [plan["course"] for plan in plans], "courses")
        links = []
        for course in courses:
            teachers = rng.sample(instructors, 2 if rng.random() < 0.1 else 1)
            links += [(course.pk, user.pk, order) for order, user in enumerate(teachers)]
        self.insert_rows(CourseInstructor, ["course", "user", "order"], links, "instructor links")
        # Sections and lessons get explicit ids: lessons point at sections, progress at lessons.
        section_id, lesson_id = self.next_id(Section), self.next_id(Lesson)
        created = connection.ops.adapt_datetimefield_value(timezone.now())
        section_rows, lesson_rows = [], []
        for plan in plans:
            course_id = plan["course"].pk
            plan["lesson_ids"] = []
            for order, (title, lessons) in enumerate(plan["sections"]):
                section_rows.append((section_id, course_id, title, order))
                for lesson in lessons:
                    lesson_rows.append((lesson_id, section_id, course_id, *lesson, created))
                    plan["lesson_ids"].append(lesson_id)
                    lesson_id += 1
                section_id += 1
        self.insert_rows(Section, ["id", "course", "title", "order"], section_rows, "sections")
        lesson_fields = ["id", "section", "course", "title", "slug", "order", "kind", "body",
                         "video_url", "duration", "is_preview", "created"]  # fmt: skip
        self.insert_rows(Lesson, lesson_fields, lesson_rows, "lessons")
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Section, Lesson]):
                cursor.execute(sql)
        self.insert_quizzes(plans)
        self.insert_activity(plans, activity, learners)
        self.insert_threads(activity, links)
        return courses

    def insert_quizzes(self, plans):
        """The questions and options of the quiz lessons (each plan["quiz"] becomes its
        questions as (question id, a right option id, a wrong option id), for the attempts)."""
        question_id, option_id = self.next_id(QuizQuestion), self.next_id(QuizOption)
        questions, options = [], []
        for plan in plans:
            if not plan["quiz"]:
                continue
            topic, answers = plan["topic"], []
            for n in range(QUIZ_QUESTIONS):
                questions.append((question_id, plan["lesson_ids"][-1],
                                  f"Which step comes {('first', 'next', 'last')[n % 3]} with "
                                  f"{topic}?", QuizQuestion.Kind.SINGLE.value,
                                  f"The lessons on **{topic}** show it in this order.", n))  # fmt: skip
                right = n % 3  # the right answer's place varies
                ids = []
                for place in range(3):
                    options.append((option_id, question_id, f"{VERBS[(n + place) % len(VERBS)]} "
                                    f"the {OBJECTS[place]}", place == right, place))  # fmt: skip
                    ids.append(option_id)
                    option_id += 1
                answers.append((question_id, ids[right], ids[(right + 1) % 3]))
                question_id += 1
            plan["quiz"] = answers
        fields = ["id", "lesson", "text", "kind", "explanation", "order"]
        self.insert_rows(QuizQuestion, fields, questions, "quiz questions")
        fields = ["id", "question", "text", "is_correct", "order"]
        self.insert_rows(QuizOption, fields, options, "quiz options")
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [QuizQuestion, QuizOption]):
                cursor.execute(sql)

    def plan_course(self, index, categories):
        rng = self.rng
        topic, other = rng.sample(TOPICS, 2)
        title = rng.choice(SHAPES).format(o=rng.choice(OPENERS), t=topic, u=other)
        published = rng.random() > 0.03
        verb, obj = rng.choice(VERBS), rng.choice(OBJECTS)
        course = Course(
            title=title,
            slug=f"{slugify(title)[:80]}-{index}",
            subtitle=f"Learn to {verb} {obj} with {topic} and {other}",
            description=(
                f"A {rng.choice(OPENERS).lower()} course on **{topic}**. You will {verb} real "
                f"{obj}, practise with {other}, and finish with a project you can show.\n\n"
                f"- {rng.choice(VERBS).capitalize()} {rng.choice(OBJECTS)}\n"
                f"- {rng.choice(VERBS).capitalize()} with {rng.choice(TOPICS)}"
            ),
            category=rng.choice(categories),
            level=weighted(rng, LEVELS),
            language=weighted(rng, LANGUAGES),
            status=Course.Status.PUBLISHED if published else Course.Status.DRAFT,
            published_at=EPOCH - timedelta(days=rng.randrange(1000)) if published else None,
            learning_outcomes=[f"{v.capitalize()} {o}" for v, o in
                               zip(rng.sample(VERBS, 3), rng.sample(OBJECTS, 3), strict=True)],
            requirements=[f"Curiosity about {topic}"],
        )  # fmt: skip
        sections = []
        number = minutes = 0
        for s in range(rng.randint(2, 6)):
            lessons = []
            for order in range(rng.randint(2, 5)):
                video = rng.random() < 0.45
                word = rng.choice(TOPICS)
                name = f"{rng.choice(VERBS).capitalize()} {rng.choice(OBJECTS)} with {word}"
                duration = rng.randint(3, 25)
                lessons.append((
                    name, f"{slugify(name)[:60]}-{number}", order,
                    Lesson.Kind.VIDEO.value if video else Lesson.Kind.TEXT.value,
                    f"## {name}\n\nWhy **{word}** matters for {topic}.",
                    rng.choice(VIDEOS) if video else "", duration, number == 0,
                ))  # fmt: skip
                number += 1
                minutes += duration
            sections.append((f"Part {s + 1}: {rng.choice(TOPICS)}", lessons))
        course.lesson_count = number
        course.total_duration = minutes
        quiz = index % QUIZ_EVERY == 1
        if quiz:  # the course's last lesson checks what it taught
            name, slug, order, _kind, _body, _video, duration, preview = sections[-1][1][-1]
            sections[-1][1][-1] = (
                f"Quiz: {name}", slug, order, Lesson.Kind.QUIZ.value,
                f"Check what you learnt about **{topic}** before the certificate.", "",
                duration, preview,
            )  # fmt: skip
        return {"course": course, "sections": sections, "quiz": quiz, "topic": topic}

    def plan_activity(self, plans, learners):
        """(learner, plan, lessons done, rating) tuples; popular courses get more learners."""
        rng = self.rng
        published = [p for p in plans if p["course"].status == Course.Status.PUBLISHED]
        activity = []
        ratings = {}
        for learner in learners:
            picks = {int(len(published) * rng.random() ** 2) for _ in range(rng.randint(0, 12))}
            for pick in sorted(picks):
                plan = published[pick]
                total = plan["course"].lesson_count
                done = total if rng.random() < 0.2 else rng.randint(0, total)
                rating = None
                if rng.random() < 0.4:
                    rating = weighted(rng, [(5, 5), (4, 4), (3, 2), (2, 1), (1, 1)])
                    ratings.setdefault(id(plan), []).append(rating)
                activity.append((learner, plan, done, rating))
                plan["course"].enrollment_count += 1
        for plan in published:
            values = ratings.get(id(plan), [])
            if values:
                average = Decimal(sum(values)) / len(values)
                plan["course"].rating_average = average.quantize(Decimal("0.01"), ROUND_HALF_UP)
                plan["course"].rating_count = len(values)
        return activity

    def insert_activity(self, plans, activity, learners):
        rng = self.rng
        finished = connection.ops.adapt_datetimefield_value(EPOCH)
        uuid_field = Certificate._meta.get_field("uuid")
        enrollments, progress, reviews, certificates, wishes = [], [], [], [], []
        attempt_id = self.next_id(QuizAttempt)
        token_field = QuizAttempt._meta.get_field("token")
        chosen_field = QuizAnswer._meta.get_field("chosen")
        attempts, answers = [], []
        for learner, plan, done, rating in activity:
            course, lesson_ids = plan["course"], plan["lesson_ids"]
            completed = done == len(lesson_ids)
            if plan["quiz"] and done >= len(lesson_ids) - 1:
                # Passed by those who finished; failed once by those who stopped right before.
                token = uuid.uuid5(QUIZ_NAMESPACE, f"{learner.pk}:{course.pk}")
                right = QUIZ_QUESTIONS if completed else 1
                score = 100 * right // QUIZ_QUESTIONS
                attempts.append((attempt_id, learner.pk, lesson_ids[-1], course.pk, score,
                                 completed, token_field.get_db_prep_save(token, connection),
                                 finished))  # fmt: skip
                for n, (question, right_option, wrong_option) in enumerate(plan["quiz"]):
                    option = right_option if n < right else wrong_option
                    chosen = chosen_field.get_db_prep_save([option], connection)
                    answers.append((attempt_id, question, chosen, n < right))
                attempt_id += 1
            enrollments.append((learner.pk, course.pk, finished if completed else None))
            progress += [(learner.pk, lesson, course.pk) for lesson in lesson_ids[:done]]
            if rating:
                percent = 100 * done // len(lesson_ids)
                reviews.append((learner.pk, course.pk, rating, rng.choice(REVIEWS), percent))
            if completed:
                number = uuid.UUID(int=rng.getrandbits(128), version=4)
                certificates.append((learner.pk, course.pk,
                                     uuid_field.get_db_prep_save(number, connection),
                                     learner.name, course.title))  # fmt: skip
        taken = {(learner.pk, plan["course"].pk) for learner, plan, _d, _r in activity}
        published = [p["course"] for p in plans if p["course"].status == Course.Status.PUBLISHED]
        for learner in learners:
            for course in rng.sample(published, min(len(published), rng.choice([0, 0, 1, 2]))):
                if (learner.pk, course.pk) not in taken:
                    taken.add((learner.pk, course.pk))
                    wishes.append((learner.pk, course.pk))
        self.insert_rows(Enrollment, ["user", "course", "completed_at"], enrollments, "enrolments")
        self.insert_rows(LessonProgress, ["user", "lesson", "course"], progress, "lesson progress")
        attempt_fields = ["id", "user", "lesson", "course", "score", "passed", "token", "created"]
        self.insert_rows(QuizAttempt, attempt_fields, attempts, "quiz attempts")
        answer_fields = ["attempt", "question", "chosen", "correct"]
        self.insert_rows(QuizAnswer, answer_fields, answers, "quiz answers")
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [QuizAttempt]):
                cursor.execute(sql)
        review_fields = ["user", "course", "rating", "text", "progress_percent"]
        self.insert_rows(Review, review_fields, reviews, "reviews")
        certificate_fields = ["user", "course", "uuid", "learner_name", "course_title"]
        self.insert_rows(Certificate, certificate_fields, certificates, "certificates")
        self.insert_rows(WishlistItem, ["user", "course"], wishes, "wishlist items")

    def insert_threads(self, activity, links):
        """Questions from some enrolled learners, most answered by an instructor of the course
        (counters computed here, as the services would keep them)."""
        rng = self.rng
        teachers = {}
        for course_id, user_id, _order in links:
            teachers.setdefault(course_id, []).append(user_id)
        question_id = self.next_id(Question)
        questions, answers = [], []
        for learner, plan, _done, _rating in activity:
            if rng.random() >= THREAD_SHARE:
                continue
            course_id = plan["course"].pk
            lesson = rng.choice(plan["lesson_ids"])
            topic = rng.choice(TOPICS)
            replies = []
            if rng.random() < 0.7:
                replies.append((rng.choice(teachers[course_id]), True))
            if rng.random() < 0.3:
                replies.append((learner.pk, False))
            accepted = bool(replies) and rng.random() < 0.5
            questions.append((question_id, course_id, lesson, learner.pk,
                              f"How do I use {topic} here?",
                              f"I tried it with **{topic}** and got stuck.",
                              len(replies), any(by for _u, by in replies) or accepted))  # fmt: skip
            for number, (author, by_instructor) in enumerate(replies):
                answers.append((question_id, author, rng.choice(ANSWERS), by_instructor,
                                accepted and number == 0))  # fmt: skip
            question_id += 1
        question_fields = ["id", "course", "lesson", "author", "title", "body", "answer_count",
                           "is_answered"]  # fmt: skip
        self.insert_rows(Question, question_fields, questions, "questions")
        answer_fields = ["question", "author", "body", "by_instructor", "is_accepted"]
        self.insert_rows(Answer, answer_fields, answers, "answers")
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Question]):
                cursor.execute(sql)
