/* Starts Swagger UI on /api/docs (a static file: the Content-Security-Policy allows no inline
   script). The OpenAPI document's address comes from the page. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    // No badge image from validator.swagger.io: the page loads nothing from elsewhere.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
  });
});
