// A minimal React 18 app that uses react-idle-timer's useIdleTimer, bundled by
// esbuild (production React, minified) into bench/out/react-app.js.
//
//   const { mount } = await import("/bench/out/react-app.js");
//   await mount({ timeout: 900000, ... });  // resolves when the app's first effect ran
//
// The app's own effect is declared after useIdleTimer, so when it runs the idle
// timer's effects (which add the listeners and arm its timeout) have run too.
import { useEffect } from "react";
import { createRoot } from "react-dom/client";
import { useIdleTimer } from "react-idle-timer";

function App({ options, onMounted }) {
  useIdleTimer(options);
  useEffect(() => onMounted(), []);
  return <p>signed in</p>;
}

export function mount(options) {
  return new Promise((resolve) => {
    const el = document.createElement("div");
    document.body.append(el);
    createRoot(el).render(<App options={options} onMounted={resolve} />);
  });
}
