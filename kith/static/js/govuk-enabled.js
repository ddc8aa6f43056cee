// Marks the page as having JavaScript before it is drawn, as GOV.UK Frontend expects.
// A classic (not module) script at the top of <body>, so a strict CSP (script-src 'self') holds.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
