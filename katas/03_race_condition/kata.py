"""Kata 03: see a race condition lose an update.

`counter += 1` looks like one step, but a thread does it in three:

    read    value = counter
    add     value = value + 1
    write   counter = value

Between any two of these steps the system may switch to another thread.

1. Two threads, "A" and "B", each run `counter += 1` once, starting from 0.
   In the order below the counter ends at 2. Reorder LOST_UPDATE so that it
   ends at 1: one thread's update is lost.
2. Three threads, "A", "B" and "C", each run `counter += 1` once. Reorder
   TWO_LOST so that the counter ends at 1: two updates are lost.

A thread's own steps stay in order (read, add, write); only the other threads'
steps can come in between. The tests replay your orders with real threads,
one step at a time, and show you what each thread read and wrote.
`python katas/03_race_condition/kata.py` shows what your orders do.
"""

LOST_UPDATE = [
    ("A", "read"),
    ("A", "add"),
    ("A", "write"),
    ("B", "read"),
    ("B", "add"),
    ("B", "write"),
]

TWO_LOST = [
    ("A", "read"),
    ("A", "add"),
    ("A", "write"),
    ("B", "read"),
    ("B", "add"),
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
        if step != "read" and thread not in value:
            print(f"  {thread} {step:<5}  but {thread} has read nothing yet: read, then add, then write")
            return
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
