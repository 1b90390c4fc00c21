// @ts-nocheck: AssemblyScript, compiled by scripts/build-guests.mjs into bundle/wasm/hello.wasm.
// The hello mechtron: a greeting over the mesh (`send localhost:hello Ext<Hello> "Scott"`) and over HTTP
// (`GET /`, `GET /?name=scott`, `GET /hello/scott`).
import { router, Request, Reply, log } from "guest";

function greeting(name: string): string {
  return "Hello, " + (name.length > 0 ? name : "world") + "!";
}

router.ext("Hello", (req: Request): Reply => {
  log.debug("Ext<Hello> from " + req.from);
  return Reply.text(greeting(req.text().trim()));
});

router.get("/", (req: Request): Reply => {
  let name = req.query("name");
  return Reply.text(greeting(name != null ? name : ""));
});

router.get("/hello/:name", (req: Request): Reply => Reply.text(greeting(req.param("name"))));
