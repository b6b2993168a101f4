"""Run the reading of an upload in a child process that cannot take the worker down.

A hostile or broken file may make a reader ask for more memory than the machine has
(and a reader written in Rust then aborts the whole process), or read for ever. So the
reading runs in a forked child whose address space (RLIMIT_AS) and CPU time are
capped, and which the caller stops at a deadline: whatever the file does, it is the
child that dies, and the caller gets ``Stopped`` with the reason, for a clear message
on the file's own job. The worker goes on with the next job.

The child sends what it reads in batches as it goes (a pickle each), so the caller
unpickles one batch while the child prepares the next. The child touches no database
connection it inherited, and leaves through ``os._exit`` (multiprocessing's), which
closes none of them.
"""

import faulthandler
import io
import logging
import multiprocessing
import pickle
import resource
import signal
from collections.abc import Callable, Iterable, Iterator
from time import monotonic

logger = logging.getLogger(__name__)

_ITEM, _END, _ERROR, _MEMORY = b"i", b"e", b"x", b"m"
# How the child died: Rust's allocator aborts when the address space cap refuses it
# memory; the kernel sends SIGXCPU at the CPU time cap.
_DEATHS = {-signal.SIGABRT: "memory", -signal.SIGXCPU: "time"}


class Stopped(Exception):
    """The child did not finish: ``reason`` is "memory", "time" or "crashed"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def run_confined(
    produce: Callable[[], Iterable],
    *,
    memory_mb: int,
    seconds: float,
    passes: tuple[type[Exception], ...] = (),
) -> Iterator:
    """Everything ``produce()`` yields, produced in a child process that may use
    ``memory_mb`` more memory than this process and ``seconds`` of time.

    An exception of a type in ``passes`` raised in the child is raised here as it was
    (its arguments must pickle); any other ends the child, logged, as "crashed".
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(sender, receiver, produce, memory_mb, seconds, passes),
        daemon=True,
    )
    child.start()
    sender.close()
    deadline = monotonic() + seconds
    try:
        while True:
            if not receiver.poll(max(deadline - monotonic(), 0)):
                raise Stopped("time")
            try:
                message = receiver.recv_bytes()
            except EOFError:
                child.join()
                raise Stopped(_DEATHS.get(child.exitcode, "crashed")) from None
            kind, body = message[:1], message[1:]
            if kind == _ITEM:
                yield pickle.loads(body)
            elif kind == _END:
                return
            elif kind == _MEMORY:
                raise Stopped("memory")
            else:
                raise pickle.loads(body)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
        child.close()


def _child(sender, receiver, produce, memory_mb: int, seconds: float, passes) -> None:
    # Its copy of the reading end closed, a child whose caller died is told so at its
    # next write instead of waiting for ever with its memory; the alarm ends it at its
    # deadline even while it waits.
    receiver.close()
    signal.alarm(int(seconds) + 5)
    # A reader that aborts for want of memory says so itself; the caller says the rest.
    faulthandler.disable()
    try:
        _cap(memory_mb, seconds)
        for item in produce():
            sender.send_bytes(_ITEM + _dumps(item))
        sender.send_bytes(_END)
    except MemoryError:
        sender.send_bytes(_MEMORY)
    except passes as error:
        # Its message as text: a lazy translation would be translated again there.
        sender.send_bytes(_ERROR + pickle.dumps(type(error)(str(error))))
    except BaseException:  # a reader's panic too: logged, and the caller is told
        logger.exception("Reading a file in a child process failed")
    finally:
        sender.close()


def _cap(memory_mb: int, seconds: float) -> None:
    """Cap this process's address space at what it has now plus ``memory_mb``, and
    its CPU time at ``seconds`` (a backstop should the parent be gone)."""
    with open("/proc/self/statm") as statm:
        now = int(statm.read().split()[0]) * resource.getpagesize()
    _lower(resource.RLIMIT_AS, now + memory_mb * 1024 * 1024)
    _lower(resource.RLIMIT_CPU, int(seconds) + 1)


def _lower(which: int, limit: int) -> None:
    _soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(which, (limit, hard))


def _dumps(item) -> bytes:
    # The items are rows of plain values: no object is shared or refers to itself,
    # so the pickler may skip its memo (half the time).
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(item)
    return buffer.getvalue()
