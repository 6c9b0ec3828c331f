"""A wrong solution to kata 03, kept to prove the tests reject it: C reads only after A and B have written."""

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
    ("A", "add"),
    ("B", "add"),
    ("A", "write"),
    ("B", "write"),
    ("C", "read"),
    ("C", "add"),
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
