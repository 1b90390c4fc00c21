// @ts-nocheck: AssemblyScript, compiled by scripts/build-guests.mjs into bundle/wasm/signup.wasm.
// Sign-up: `Ext<SignUp>` (the router's schema already checked the body) creates the File
// `localhost:users:/NAME.json` and writes the user into it: 201, or 409 when the File exists.
// `GET /users/NAME` reads the File back: 200 with the user as JSON, or 404.
// The password is never stored: a real app would keep a salted hash (the sample has no crypto).
import { router, create, writeFile, readFile, timestamp, Request, Reply, Body, Json } from "guest";

function userFile(name: string): string {
  return "localhost:users:/" + name + ".json";
}

router.ext("SignUp", (req: Request): Reply => {
  let form = req.json();
  let name = form.get("username").str();
  let made = create(userFile(name), "File");
  if (made.status == 409) return Reply.err(409, "the user name `" + name + "` is taken");
  if (!made.ok) return Reply.err(made.status, "cannot create the user: " + made.error());
  let user = Json.obj()
    .setStr("username", name)
    .setStr("email", form.get("email").str())
    .setStr("name", form.get("name").str(name))
    .setNum("created", <f64>timestamp());
  let written = writeFile(userFile(name), Body.json(user));
  if (!written.ok) return Reply.err(written.status, "cannot store the user: " + written.error());
  return Reply.json(user, 201).header("location", "/users/" + name);
});

router.get("/users/:user", (req: Request): Reply => {
  let name = req.param("user");
  let file = readFile(userFile(name));
  if (file.status == 404) return Reply.err(404, "no user `" + name + "`");
  if (!file.ok) return Reply.err(file.status, file.error());
  return Reply.json(file.json());
});
