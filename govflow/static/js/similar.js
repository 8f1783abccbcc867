// Suggests similar open blockers while a title is typed on the raise-a-blocker form.
// Progressive enhancement: the form's "Check for similar blockers" button works without
// this. The fragment is server-rendered (escaped) HTML from /items/similar?fragment=1.
const WAIT_MS = 350;
const MIN_CHARS = 4;

function enhance(container) {
  const form = container.closest("form");
  const field = form && form.querySelector(`[name="${container.dataset.titleField || "title"}"]`);
  const results = container.querySelector("[data-gf-similar-results]");
  if (!field || !results) return;
  let timer = null;
  let latest = 0;

  async function look() {
    const title = field.value.trim();
    const asked = ++latest;
    if (title.length < MIN_CHARS) {
      results.replaceChildren();
      return;
    }
    const url = `${container.dataset.url}?fragment=1&title=${encodeURIComponent(field.value)}`;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok || asked !== latest) return;
      const html = await response.text();
      if (asked !== latest) return;
      const parsed = new DOMParser().parseFromString(html, "text/html");
      results.replaceChildren(...parsed.body.childNodes);
    } catch (err) {
      // Offline or signed out: the button still works, so say nothing.
    }
  }

  field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(look, WAIT_MS);
  });
  if (field.value.trim().length >= MIN_CHARS) look();
}

document.querySelectorAll("[data-gf-similar]").forEach(enhance);
