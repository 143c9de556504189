// The same minimal React 18 app without any idle timer: the control that shows
// what React itself costs (per event, at start-up and in bytes).
import { useEffect } from "react";
import { createRoot } from "react-dom/client";

function App({ onMounted }) {
  useEffect(() => onMounted(), []);
  return <p>signed in</p>;
}

export function mount() {
  return new Promise((resolve) => {
    const el = document.createElement("div");
    document.body.append(el);
    createRoot(el).render(<App onMounted={resolve} />);
  });
}
