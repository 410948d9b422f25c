// sccoder's own script: small behaviours that htmx does not cover. No inline scripts anywhere,
// so a strict Content-Security-Policy can forbid them.
"use strict";
