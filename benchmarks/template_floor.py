#!/usr/bin/env python3
"""How much of a govflow page is its templates, against the bare app's whole request.

    python benchmarks/template_floor.py                  # instance/bench.sqlite
    python benchmarks/template_floor.py --database postgresql://postgres@127.0.0.1/govflow_bench

In one process, in turn: a request to the bare app (benchmarks/bare_app.py) and a request to a
govflow page as the demo executive, on the same 100,000-item database as benchmarks/load.py.
For each page it prints the CPU time of the whole request, of rendering its templates alone,
and the templates' time as a multiple of the bare app's whole request. A page whose templates
alone take more than twice the bare request cannot reach half the bare app's requests per
second (load.py's target for lists, the item page and the decision log) by work outside its
templates: CPU times, medians of --runs requests each, through Flask's test client.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = ("/queue?show=gold&kind=blocker&page=1", "/items/{item}", "/decisions", "/dashboard",
         "/search?q=room+booking")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'instance' / 'bench.sqlite'}")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args(argv)
    os.environ.update({"GOVFLOW_ENV": "development", "SECRET_KEY": "floor-" + "x" * 42,
                       "REDIS_URL": "", "MAIL_SERVER": "", "GOVFLOW_MFA_REQUIRED_ROLES": "",
                       "DATABASE_URL": args.database})

    import flask.templating

    from benchmarks.bare_app import create_app as bare_app
    from benchmarks.load import _ids
    from govflow import create_app, ready_to_serve
    from govflow.seeding import demo_sign_ins

    rendering = [0.0]
    render = flask.templating._render

    def timed_render(app, template, context):
        started = time.process_time()
        try:
            return render(app, template, context)
        finally:
            rendering[0] += time.process_time() - started

    flask.templating._render = timed_render
    app = ready_to_serve(create_app())
    bare = bare_app().test_client()
    client = app.test_client()
    executive = next(e for r, e, _ in demo_sign_ins() if r == "executive")
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/sign-in", data={"email": executive, "password": app.config["DEMO_PASSWORD"],
                                  "csrf_token": token})
    url = args.database.replace("postgresql://", "postgresql+psycopg://", 1)
    item = _ids(url, "SELECT item_id FROM events GROUP BY item_id HAVING count(*) >= 50 "
                     "ORDER BY item_id LIMIT 1")[0]

    def cpu(fn) -> float:
        started = time.process_time()
        fn()
        return (time.process_time() - started) * 1000

    print(f"CPU ms per request, median of {args.runs}, alternating with the bare app")
    print(f"{'page':<40} {'whole':>7} {'templates':>10} {'bare':>6} {'templates / bare':>17}")
    for path in (p.format(item=item) for p in PAGES):
        for _ in range(20):
            assert client.get(path).status_code == 200, path
            bare.get("/reference")
        whole, templates, reference = [], [], []
        for _ in range(args.runs):
            reference.append(cpu(lambda: bare.get("/reference")))
            rendering[0] = 0.0
            whole.append(cpu(lambda path=path: client.get(path)))
            templates.append(rendering[0] * 1000)
        w, t, r = (statistics.median(x) for x in (whole, templates, reference))
        print(f"{path:<40} {w:7.2f} {t:10.2f} {r:6.2f} {t / r:16.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
