// Server rendering of the README's App.svelte: the guard never starts here.
import { render } from "svelte/server";
import App from "./App.svelte";

export const html = () => render(App).body;
