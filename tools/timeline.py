"""A picture of a recorded run: one row per thread, one column per thing that happened.

    MainThread       s s j~~~~~~~~j j~j p r
    Thread-1 (task)      [=====]            Task 1
    Thread-2 (task)        [=====]          Task 2

Columns are in the order things happened, not in seconds, so the picture is the same on
every run and on every machine.
"""

from tools.records import Kind

WIDTH = 78  # indented by two in a message, so 80 columns in all
NAME_WIDTH = 17
KINDS = {
    Kind.START: "s",
    Kind.JOIN: "j",
    Kind.JOINED: "j",
    Kind.BEGIN: "[",
    Kind.END: "]",
    Kind.SLEEP: "z",
    Kind.PRINT: "p",
    Kind.RETURN: "r",
    Kind.CRASH: "x",
}
LEGEND = "s start  j~j join waits  z sleep  [=] task runs  p print  r return  x crash"


def picture(run):
    """The run as rows of text, or an empty list when there is nothing worth drawing."""
    events = [event for event in run.events if event.kind in KINDS]
    rows = _threads_in_order(run, events)
    if len(events) < 2 or not rows:
        return []
    step = 2 if NAME_WIDTH + 2 * len(events) <= WIDTH else 1
    labels = {thread: list(dict.fromkeys(call.label for call in run.calls if call.thread is thread)) for thread in rows}
    lines = []
    for thread in rows:
        cells, filler = [], " "
        for event in events:
            if event.thread is thread:
                mark = KINDS[event.kind]
                filler = {Kind.BEGIN: "=", Kind.JOIN: "~"}.get(
                    event.kind, " " if event.kind in (Kind.END, Kind.JOINED) else filler
                )
            else:
                mark = filler
            cells.append((mark + filler)[:step])
        row = f"{_shortened(thread.name, NAME_WIDTH - 1):<{NAME_WIDTH}}{''.join(cells).rstrip()}"
        lines.append(f"{row}  {_listed(labels[thread], WIDTH - len(row) - 2)}".rstrip()[:WIDTH])
    return [*lines, LEGEND]


def _shortened(name, width):
    """The words of `name` that fit in `width` ("Thread-3 (download)" -> "Thread-3"), never half a word."""
    words = name.split(" ")
    kept = next(
        (" ".join(words[:count]) for count in range(len(words), 0, -1) if len(" ".join(words[:count])) <= width), None
    )
    return kept if kept is not None else name[: width - 1] + "…"


def _listed(labels, width):
    """As many of `labels` as fit in `width`, and how many more there were."""
    for count in range(len(labels), 0, -1):
        more = len(labels) - count
        text = ", ".join(labels[:count]) + (f" and {more} more" if more else "")
        if len(text) <= width:
            return text
    return ""


def _threads_in_order(run, events):
    rows = [run.caller]
    for event in events:
        if event.thread not in rows and event.thread is not None:
            rows.append(event.thread)
    return [thread for thread in rows if any(event.thread is thread for event in events)]
