// @ts-nocheck: AssemblyScript, compiled by scripts/build-guests.mjs into bundle/wasm/profile.wasm.
// One user's profile page. The user is the last segment of this mechtron's point
// (`localhost:profiles:scott`); the page is the bundle's template `html/profile.html`, read once with
// `readFile` (Cmd<Read>) and kept; the visit count comes from another mechtron, `localhost:visits`.
import { router, onInit, particle, readFile, send, Request, Reply, Body } from "guest";

let template = "";

function userName(): string {
  let point = particle.point();
  return point.substring(point.lastIndexOf(":") + 1);
}

/** `repo:profiles:1.0.0` from this mechtron's config `repo:profiles:1.0.0:/config/profile.mechtron`. */
function bundle(): string {
  let config = particle.property("config");
  if (config == null) return "";
  let at = config.indexOf(":/");
  return at < 0 ? config : config.substring(0, at);
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

onInit((): string | null => {
  let page = readFile(bundle() + ":/html/profile.html");
  if (!page.ok) return "cannot read the template: " + page.error();
  template = page.text();
  return null;
});

router.get("/users/:user", (req: Request): Reply => {
  let name = userName();
  let counted = send("localhost:visits", "Ext<Visit>", "/", Body.text(name));
  let visits = counted.ok ? counted.text() : "unknown (" + counted.error() + ")";
  let html = template
    .replaceAll("{{name}}", escapeHtml(name))
    .replaceAll("{{point}}", escapeHtml(particle.point()))
    .replaceAll("{{visits}}", escapeHtml(visits));
  return Reply.html(html);
});
