// The test app: the docs' App and appConfig, zoneless (no zone.js, as
// `ng new` makes it); window.destroyApp() destroys the app and its injector.
import { bootstrapApplication } from "@angular/platform-browser";
import { App } from "./app/app";
import { appConfig } from "./app/app.config";

bootstrapApplication(App, appConfig)
  .then((ref) => Object.assign(window, { destroyApp: () => ref.destroy() }))
  .catch((err) => console.error(err));
