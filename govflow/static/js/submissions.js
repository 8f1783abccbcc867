// Back, then send the form again: does it once.
//
// Each form that changes something carries a one-time submission key, and the server does
// the work of a key once (govflow/submissions). But pages are never cached, so Back fetches
// the form afresh, with a new key, while the browser puts back what was typed. So: when a
// form is sent, remember its key and answers for this tab; when the page was reached with
// Back or Forward and the form is sent again with the same answers, send the first key, and
// the server answers "This was already sent". Changed answers are a new submission.

const STORE = "govflow-sent-forms";
const KEEP = 20;

function answers(form) {
  const data = new FormData(form);
  data.delete("csrf_token");
  data.delete("submission_key");
  return JSON.stringify([...data.entries()].filter(([, value]) => typeof value === "string"));
}

function remembered() {
  try {
    return JSON.parse(window.sessionStorage.getItem(STORE)) || [];
  } catch {
    return [];
  }
}

function cameBack() {
  const [navigation] = window.performance.getEntriesByType("navigation");
  return navigation !== undefined && navigation.type === "back_forward";
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  const key = form.querySelector('input[type="hidden"][name="submission_key"]');
  if (key === null) {
    return;
  }
  const sent = { action: form.action, answers: answers(form) };
  const list = remembered();
  const before = list.find((s) => s.action === sent.action && s.answers === sent.answers);
  if (before !== undefined && cameBack()) {
    key.value = before.key;
    return;
  }
  sent.key = key.value;
  const kept = [sent, ...list.filter((s) => s !== before)].slice(0, KEEP);
  try {
    window.sessionStorage.setItem(STORE, JSON.stringify(kept));
  } catch {
    // Storage full or refused: the form is sent as it is.
  }
});
