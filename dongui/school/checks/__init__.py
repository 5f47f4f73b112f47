"""The before-and-after check (surveys/, issue 20): who is asked (asking.py), the anonymous
hand-in (answering.py), the daily release (release.py), and results that cannot point at anyone
(results.py; as spreadsheet rows, export.py). Here: the numbers they share.

A student is asked twice per class: before the class's first assigned module (while they have
started none of its modules) and after its last (once they have completed every module assigned
to them there). Either time they may answer, leave statements blank, or skip; nothing is graded.

Anonymous by construction, with the question box's guarantees (school/questions.py):
- No function here takes the student and the answers together. `finish` records only that a
  student is done with one half (CheckMark: not whether they answered or skipped, not when).
  `hand_in` puts the answers, without the student, into the class's pending list on a
  connection and in a transaction of its own, never the request's, at a random place in the list.
- The school's daily release (school/questions.py `release`, the same schedule and transaction
  as the questions) adds a class's pending answers to the tallies once there are at least k of
  them, and deletes them. The check keeps counts per statement and point, never an answer set,
  so there is no row to join to a user, no order and no time; and because the counts change k
  answers at a time, comparing yesterday's results with today's never isolates one student.
- The page is declared anonymous (dongui/anonymity.py): no access log line, no application log
  line, no "last active" update; and it has no rate limit, so no limiter key.
- Results show only where they cannot point at anyone: a class's when its before and its after
  each have at least k answers (k: the school's setting, never below MIN_ANSWERS), a statement's
  when at least k answered it each time; a school's sums the classes that pass; a district's,
  the schools that pass.

What is left: until the release, someone who can read the live database (or compares two
copies of it) can narrow a pending answer down to the students who finished the check in
between; the release removes that. Different students may answer before and after, so the
results compare two groups, never pairs.
"""

from ...models import School

MIN_ANSWERS = 5  # no school may show results on fewer answers than this
DEFAULT_MIN_ANSWERS = 10
ANSWER_SETS = ""  # the tally row (item_id) that counts answer sets
BLANK = 0  # the point recorded for a statement left blank
Z95 = 1.959963984540054  # the normal quantile for a two-sided 95 % interval
FIELD_PREFIX = "item-"


def min_answers(school: School) -> int:
    """The school's k: how many answers each half needs before anyone sees results."""
    return max(MIN_ANSWERS, school.check_min_answers or DEFAULT_MIN_ANSWERS)
