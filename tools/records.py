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
    ASKED = "asked"  # a thread asked another whether it is alive
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
    CAME = "came"  # an item of the input the test hands in came, after its time on the clock
    POLLED = "polled"  # a thread asked a queue empty(), full() or qsize(): `text` the question, `label` the answer


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

    @property
    def started_threads(self):
        return [event.other for event in self.of(Kind.START)]
