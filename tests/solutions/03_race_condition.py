"""Reference solution for kata 03: every thread reads before any thread writes."""

LOST_UPDATE = [
    ("A", "read"),
    ("B", "read"),
    ("A", "add"),
    ("A", "write"),
    ("B", "add"),
    ("B", "write"),
]

TWO_LOST = [
    ("A", "read"),
    ("B", "read"),
    ("C", "read"),
    ("A", "add"),
    ("B", "add"),
    ("C", "add"),
    ("A", "write"),
    ("B", "write"),
    ("C", "write"),
]
