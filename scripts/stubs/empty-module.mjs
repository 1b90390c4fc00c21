// Stands in for optional dependencies that the bundle never uses at run time (Ink's `react-devtools-core`,
// loaded only when DEV=true), so that esbuild does not pull them in. Ink calls these two when DEV=true.
export default { initialize() {}, connectToDevTools() {} };
