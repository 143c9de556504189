// The test app: the README's App.vue, with a button that unmounts and mounts
// it again (?mounted=0 starts without it).
import { createApp, defineComponent, h, ref } from "vue";
import App from "./App.vue";

const Harness = defineComponent(() => {
  const mounted = ref(new URLSearchParams(location.search).get("mounted") !== "0");
  return () => [
    h("button", { id: "toggle", onClick: () => (mounted.value = !mounted.value) }, mounted.value ? "Unmount" : "Mount"),
    mounted.value ? h(App) : null,
  ];
});

createApp(Harness).mount("#root");
