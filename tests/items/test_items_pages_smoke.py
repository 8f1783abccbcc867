"""Smoke: every blocker page renders for a signed-in person."""


def test_pages_render(auth, client, people):
    auth.login(people["facilitator"].email)
    for path in ["/raise", "/blockers/new", "/items/mine", "/items/mine?show=owned", "/queue",
                 "/how-it-works", "/items/1", "/items/1/actions/escalate"]:
        r = client.get(path)
        assert r.status_code in (200, 409), (path, r.status_code, r.get_data(as_text=True)[:3000])
