// The test app: the README's <App /> under StrictMode, with a button that
// unmounts and mounts it again (?mounted=0 starts without it).
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";

function Harness() {
  const [mounted, setMounted] = useState(new URLSearchParams(location.search).get("mounted") !== "0");
  return (
    <>
      <button id="toggle" onClick={() => setMounted((m) => !m)}>
        {mounted ? "Unmount" : "Mount"}
      </button>
      {mounted && <App />}
    </>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <Harness />
  </StrictMode>,
);
