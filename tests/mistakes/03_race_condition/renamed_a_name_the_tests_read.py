"""A wrong solution to kata 03, kept to prove the tests reject it: TWO_LOST renamed."""

LOST_UPDATE = [
    ("A", "read"),
    ("B", "read"),
    ("A", "add"),
    ("A", "write"),
    ("B", "add"),
    ("B", "write"),
]

TWO_UPDATES_LOST = [
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


def replay(name, order):
    """Do the steps in this order, as the threads would, and show what each step does."""
    print(f"{name}:")
    counter = 0
    value = {}  # each thread's own value
    for thread, step in order:
        if step == "read":
            value[thread] = counter
        elif step == "add":
            value[thread] = value[thread] + 1
        elif step == "write":
            counter = value[thread]
        print(f"  {thread} {step:<5}  {thread}'s value = {value[thread]}   counter = {counter}")
    print(f"  the counter ends at {counter}")


if __name__ == "__main__":
    replay("LOST_UPDATE", LOST_UPDATE)
    replay("TWO_LOST", TWO_LOST)
