// The API reference page: starts Swagger UI (copied from swagger-ui-dist into our own static
// build by scripts/build-assets) on the OpenAPI file the API serves. Kept in our own file so
// the Content-Security-Policy needs no 'unsafe-inline'. Without JavaScript the page still
// links to the OpenAPI file itself.
const root = document.getElementById("api-reference");
if (root && window.SwaggerUIBundle) {
  root.textContent = "";
  window.SwaggerUIBundle({
    url: root.dataset.openapi,
    domNode: root,
    deepLinking: false,
    // "Try it out" would send requests with the reader's session: reading only.
    supportedSubmitMethods: [],
    defaultModelsExpandDepth: 0,
    validatorUrl: null,
    // Swagger UI draws the server list without a label: give it one for screen readers.
    onComplete: () => {
      const servers = root.querySelector("select#servers");
      if (servers) servers.setAttribute("aria-label", "Server");
    },
  });
}
