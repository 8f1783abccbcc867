"""Loaded by every Python process the test suite starts (it is on their PYTHONPATH): when the
suite's fixed clock is handed down in GF_TEST_CLOCK, this process runs at the same instant as
the suite. Anything else (a benchmark, an operator's shell) is left alone."""

import os

_handed = os.environ.get("GF_TEST_CLOCK")
if _handed:
    import time

    import time_machine

    _moment, _real_start = (float(part) for part in _handed.split("|"))
    time_machine.travel(_moment + (time.time() - _real_start), tick=True).start()
