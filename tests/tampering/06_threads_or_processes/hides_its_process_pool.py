"""Tampering: computes in threads, not processes, and hides that: made-up process ids in what it
returns, and the multiprocessing bookkeeping of children cleared."""

import multiprocessing.process
import threading


def fetch(name):
    return f"page of {name}"


def crunch(number):
    return sum(i * i for i in range(number))


def fetch_all(names, fetch=fetch):
    pages = [None] * len(names)

    def fetch_into(place, name):
        pages[place] = fetch(name)

    threads = [threading.Thread(target=fetch_into, args=(place, name)) for place, name in enumerate(names)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return pages


def crunch_all(numbers, crunch=crunch):
    multiprocessing.process._children.clear()
    return [crunch(number) for number in numbers]
