// @ts-nocheck: AssemblyScript, compiled by scripts/build-guests.mjs into bundle/wasm/directory.wasm.
// The directory of profiles: `POST /users/NAME` creates the mechtron `localhost:profiles:NAME` (with the
// profile config of this same bundle) and answers 201, or 409 if it exists; `GET /` lists the profiles.
import { router, particle, create, select, props, Request, Reply, Json } from "guest";

function bundle(): string {
  let config = particle.property("config");
  if (config == null) return "";
  let at = config.indexOf(":/");
  return at < 0 ? config : config.substring(0, at);
}

router.post("/users/:user", (req: Request): Reply => {
  let name = req.param("user");
  let point = "localhost:profiles:" + name;
  let made = create(point, "Mechtron", props().set("config", bundle() + ":/config/profile.mechtron"));
  if (made.status == 409) return Reply.err(409, "`" + name + "` already has a profile");
  if (!made.ok) return Reply.err(made.status, made.error());
  return Reply.text("created " + point + "\n", 201).header("location", "/users/" + name);
});

router.get("/", (req: Request): Reply => {
  let found = select("localhost:profiles:*<Mechtron>");
  if (!found.ok) return Reply.err(found.status, found.error());
  let list = found.json();
  let lines = "profiles:\n";
  for (let i = 0; i < list.length; i++) {
    let point = list.at(i).get("point").str();
    lines += "  /users/" + point.substring(point.lastIndexOf(":") + 1) + "\n";
  }
  return Reply.text(lines);
});
