"""Course insights for instructors: enrolments, completion, the lesson funnel, quizzes and
ratings of one course, read with a fixed number of aggregate queries (stats.py), drawn as inline
SVG charts (charts.py), exported as CSV (export.py) and shown in the studio (admin.py)."""
