// Starts GOV.UK Frontend's components. Loaded as a module by templates/base.html, so
// browsers without ES module support get the plain HTML pages, which work on their own.
import { initAll } from "../build/govuk-frontend.min.js";
import "./submissions.js";

initAll();
