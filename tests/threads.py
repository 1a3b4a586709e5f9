"""Calls started together in threads, for the tests of what two requests or workers do at the same moment."""

import threading

from django.db import connections


def run_at_once(*calls, timeout: float = 20) -> list:
    """Run each call in a thread of its own, all released together; their results, in the order of the calls.

    Each thread closes its database connections when done (a thread's connection is its own). An exception raised
    by a call is raised again here, after every thread has ended.
    """
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except BaseException as error:  # re-raised in the test's own thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if errors:
        raise errors[0]
    return results
