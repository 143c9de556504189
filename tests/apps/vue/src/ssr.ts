// Server rendering of the README's App.vue: the guard never starts here.
import { createSSRApp } from "vue";
import { renderToString } from "vue/server-renderer";
import App from "./App.vue";

export const html = () => renderToString(createSSRApp(App));
