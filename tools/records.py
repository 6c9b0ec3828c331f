"""What a run of the learner's code leaves behind: the events the probes recorded, in order."""

import threading
from dataclasses import dataclass, field
from enum import StrEnum

from tools.failures import Where


class Kind(StrEnum):
    """What an event records."""

    START = "start"  # a thread started another
    JOIN = "join"  # a thread began to wait for another to end
    JOINED = "joined"  # that wait is over: `ended` tells whether the other thread had ended
    SLEEP = "sleep"
    ASKED = "asked"  # a thread asked another whether it is alive: `answer` is what is_alive() said
    WAITED = "waited"  # a wait on a lock or condition is over: `ended` tells whether it got what it waited for
    BEGIN = "begin"  # a stand-in task began
    END = "end"  # a stand-in task ended
    PRINT = "print"
    CRASH = "crash"  # an exception ended a thread
    RETURN = "return"  # the learner's function returned (or raised)
    LOCK = "lock"  # the kata file made a lock
    SEMAPHORE = "semaphore"  # the kata file made a Semaphore or BoundedSemaphore
    READ = "read"  # a thread read a shared global
    WROTE = "wrote"  # a thread wrote a shared global
    ENDED = "ended"  # a started thread ran its code to the end
    POOL = "pool"  # the kata file made a pool of threads or processes
    SHUTDOWN = "shutdown"  # the learner's code shut a pool down (shutdown(), close(), terminate())
    CAME = "came"  # an item of the input the test hands in came, after its time on the clock
    POLLED = "polled"  # a thread asked what only another thread can change: `text` the question, `label` the answer


@dataclass
class Event:
    seq: int
    kind: Kind
    thread: threading.Thread  # the thread the event happened in
    where: Where | None
    at: float = 0.0  # seconds on the virtual clock
    other: threading.Thread | None = None  # the thread started or joined
    label: str = ""
    text: str = ""
    ended: bool | None = None  # for joined and waited: did the wait end because what it waited for happened?
    answer: bool | None = None  # for asked: what is_alive() answered
    # For start and ended: the lists and dicts the calling thread's kata code held then, copied, by id:
    # what changed between two of them is what the threads wrote in between.
    contents: dict | None = None
    # For asked and polled: the same question again, with no wait of its own and no other thread's turn since.
    again: bool = False


@dataclass
class TaskCall:
    label: str
    thread: threading.Thread
    begin: Event
    inside_run_method: bool
    end: Event | None = None

    @property
    def ends_at(self):
        return self.end.at if self.end else float("inf")

    @property
    def ends_at_seq(self):
        """The place of its end among the run's events: after all of them if it never ended."""
        return self.end.seq if self.end else float("inf")


@dataclass(frozen=True)
class Given:
    """What a thread was made with, Thread(target=..., args=..., kwargs=...), and where: read from the
    call itself, because a Thread forgets its target once it has run."""

    target: object
    args: object
    kwargs: object
    where: Where | None


@dataclass
class Pool:
    """A pool of threads or processes that the kata file made, and what became of it."""

    kind: str  # ThreadPoolExecutor, ProcessPoolExecutor or Pool
    made: Event
    workers: int | None  # how many it was asked for: max_workers, or a Pool's processes; None if not said
    size: int | None  # how many it may run at once, as it worked that out
    owner: object  # a weak reference to the pool itself
    threads: list[threading.Thread] = field(default_factory=list)  # the worker threads it started
    shut_down: Event | None = None

    @property
    def where(self):
        return self.made.where


@dataclass
class Run:
    """What happened while the learner's function ran."""

    function: str
    called: tuple = ()  # the function the test ran, its args and its kwargs
    events: list[Event] = field(default_factory=list)
    calls: list[TaskCall] = field(default_factory=list)
    given: dict[threading.Thread, Given] = field(default_factory=dict)
    caller: threading.Thread | None = None
    value: object = None
    error: BaseException | None = None
    error_where: Where | None = None
    returned: Event | None = None
    outcome: str = ""  # how the run ended on the clock: done, deadlock or stuck
    defined: Where | None = None  # where the kata file defines the function the test ran
    warnings: list[str] = field(default_factory=list)  # what Python warned of, in a run with processes
    unlocked_write: Where | None = None  # the first write to a global by a started thread holding no lock
    # Run in an order other than the clock's own (tools/schedules.py): a check of what ran at the same time,
    # or in which thread, judges the clock's own order only, since any order may pause a thread for long.
    reordered: bool = False
    pools: list[Pool] = field(default_factory=list)  # the pools the kata file made, in order
    semaphores: list = field(default_factory=list)  # (semaphore, where) for each one the kata file made
    left_waiting: list = field(default_factory=list)  # the clock's waits of threads still waiting after it returned

    @property
    def its_code(self):
        """A line to add to a lesson about what the function did as a whole: where it is defined."""
        return f"\nYour {self.function}:\n  {self.defined}" if self.defined else ""

    def of(self, kind):
        return [event for event in self.events if event.kind == kind]

    def calls_of(self, label):
        return [call for call in self.calls if call.label == label]

    def pool_of(self, thread):
        """The pool whose worker `thread` is, or None."""
        return next((pool for pool in self.pools if thread in pool.threads), None)

    @property
    def started_threads(self):
        return [event.other for event in self.of(Kind.START)]
