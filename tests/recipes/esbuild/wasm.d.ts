// With esbuild's file loader, importing a .wasm file gives its URL.
declare module "*.wasm" {
  const url: string;
  export default url;
}
