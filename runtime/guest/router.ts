// @ts-nocheck: AssemblyScript, compiled by asc (scripts/build-guests.mjs), not by tsc.
// The guest's own router: handlers by method and path, first registration that matches wins. The bind has
// already chosen this particle; this picks the function.
//
// Method patterns: `Http<Get>`, `Ext<Hello>`, `Http<*>` (any method of a kind), `*` (anything).
// Path patterns, matched against the uri's path (no query), segment by segment:
//   `/users/:name`   `:name` matches one non-empty segment (percent-decoded into `req.param("name")`)
//   `/files/*rest`   `*rest` matches the rest of the path, possibly empty (`*` alone: unnamed)
//   `/about`         literal segments match exactly;  `*` as the whole pattern matches any path
// Decisions: no match → 404 naming the method and path; an Http path that matched for another method → 405
// (the methods it takes in the message). Handlers are plain functions (AssemblyScript has no closures).

import { Reply, Request, percentDecode } from "./wave";

export type Handler = (req: Request) => Reply;

class Route {
  waveKind: string; // "" = any
  method: string; // "" = any
  segments: string[];
  constructor(
    methodPattern: string,
    public pathPattern: string,
    public handler: Handler,
  ) {
    let open = methodPattern.indexOf("<");
    if (methodPattern == "*") {
      this.waveKind = "";
      this.method = "";
    } else if (open < 0) {
      this.waveKind = methodPattern;
      this.method = "";
    } else {
      this.waveKind = methodPattern.substring(0, open);
      let inner = methodPattern.substring(open + 1, methodPattern.length - 1);
      this.method = inner == "*" ? "" : inner;
    }
    this.segments = pathPattern == "*" ? ["*"] : splitPath(pathPattern);
  }

  matchesMethod(waveKind: string, method: string): bool {
    return (this.waveKind.length == 0 || this.waveKind == waveKind) && (this.method.length == 0 || this.method == method);
  }

  /** Fills the request's params when the path matches. */
  matchesPath(parts: string[], req: Request | null): bool {
    let segs = this.segments;
    let names = new Array<string>(0);
    let values = new Array<string>(0);
    let i = 0;
    for (; i < segs.length; i++) {
      let seg = segs[i];
      if (seg.startsWith("*")) {
        names.push(seg.length > 1 ? seg.substring(1) : "*");
        values.push(percentDecode(parts.slice(i).join("/")));
        i = parts.length;
        break;
      }
      if (i >= parts.length) return false;
      if (seg.startsWith(":")) {
        if (parts[i].length == 0) return false;
        names.push(seg.substring(1));
        values.push(percentDecode(parts[i]));
      } else if (seg != parts[i]) return false;
    }
    if (i != parts.length) return false;
    if (req != null) {
      req.paramNames = names;
      req.paramValues = values;
    }
    return true;
  }
}

function splitPath(path: string): string[] {
  let trimmed = path.startsWith("/") ? path.substring(1) : path;
  if (trimmed.length == 0) return new Array<string>(0);
  return trimmed.split("/");
}

const routes = new Array<Route>(0);

export namespace router {
  /** Registers `handler` for a method pattern (`Http<Get>`, `Ext<Hello>`, `Http<*>`, `*`) and a path pattern. */
  export function on(method: string, path: string, handler: Handler): void {
    routes.push(new Route(method, path, handler));
  }
  export function get(path: string, handler: Handler): void {
    on("Http<Get>", path, handler);
  }
  export function post(path: string, handler: Handler): void {
    on("Http<Post>", path, handler);
  }
  export function put(path: string, handler: Handler): void {
    on("Http<Put>", path, handler);
  }
  export function patch(path: string, handler: Handler): void {
    on("Http<Patch>", path, handler);
  }
  export function del(path: string, handler: Handler): void {
    on("Http<Delete>", path, handler);
  }
  /** `Ext<name>` on any path. */
  export function ext(name: string, handler: Handler): void {
    on("Ext<" + name + ">", "*", handler);
  }
  /** Anything no other route takes. */
  export function fallback(handler: Handler): void {
    on("*", "*", handler);
  }

  /** Runs the handler of the first matching route. */
  export function dispatch(req: Request): Reply {
    let method = req.method;
    let open = method.indexOf("<");
    let waveKind = open < 0 ? method : method.substring(0, open);
    let name = open < 0 ? "" : method.substring(open + 1, method.length - 1);
    let path = req.path;
    let parts = splitPath(path);
    let allowed = new Array<string>(0);
    for (let i = 0; i < routes.length; i++) {
      let route = routes[i];
      if (route.matchesMethod(waveKind, name)) {
        if (route.matchesPath(parts, req)) return route.handler(req);
      } else if (waveKind == "Http" && route.waveKind == waveKind && route.method.length > 0 && route.matchesPath(parts, null)) {
        allowed.push(route.waveKind + "<" + route.method + ">");
      }
    }
    if (allowed.length > 0) return Reply.err(405, "`" + method + "` is not handled on `" + path + "`; it takes " + allowed.join(", "));
    return Reply.err(404, "no handler for `" + method + "` `" + path + "`");
  }
}
