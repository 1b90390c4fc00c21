// @ts-nocheck: AssemblyScript, compiled by asc (scripts/build-guests.mjs), not by tsc.
// What the guest's exports do (exports.ts only names them): init with the particle's details, and one frame
// in → the router → one reply frame out. Collection happens here, at the only moments no handler is running.
//
// Decisions:
// - The minimal runtime's collector runs after every init and every frame, when nothing managed is on the
//   wasm stack (its precondition), so an idle mechtron holds only what its globals reach. A frame that comes
//   in while another is being handled (a mechtron that Pings itself) is handled, but collects nothing.
// - A frame that is not JSON, or not a Ping/Signal, gets a 400 Pong that says why (a host bug, but never a
//   trap). A Signal's reply is dropped (0 = absorbed).

import { ABI_VERSION, bufferFromSink, bufferLen, bufferPtr, freeBuffer, takeString } from "./abi";
import { ByteSink } from "./bytes";
import { Json, JsonValue } from "./json";
import { log } from "./log";
import { setDetails } from "./mesh";
import { router } from "./router";
import { Reply, Request, writeReplyFrame } from "./wave";

export type InitHook = () => string | null;

const initHooks = new Array<InitHook>(0);
let initialised = false;
let depth = 0;

/** Runs `hook` during `mechtron_guest_init`, after the details are known (so `particle.*` and `send` work).
 *  It returns null when all is well, or why init failed (the particle goes Fatal with that reason). */
export function onInit(hook: InitHook): void {
  initHooks.push(hook);
}

export function init(versionId: i32, detailsId: i32): i32 {
  let version = takeString(versionId);
  let detailsPtr = bufferPtr(detailsId);
  let detailsLen = bufferLen(detailsId);
  if (initialised) {
    freeBuffer(detailsId);
    return -3;
  }
  if (version != ABI_VERSION) {
    freeBuffer(detailsId);
    log.error("this guest speaks `" + ABI_VERSION + "`, the host `" + version + "`");
    return -1;
  }
  let details: JsonValue | null = detailsPtr > 0 ? Json.parseUtf8(<usize>detailsPtr, detailsLen) : null;
  freeBuffer(detailsId);
  if (details == null || !details.isObject()) {
    log.error("the particle's details are not a JSON object" + (details == null ? ": " + Json.error : ""));
    return -2;
  }
  setDetails(details);
  initialised = true;
  depth++;
  let result = 0;
  for (let i = 0; i < initHooks.length; i++) {
    let problem = initHooks[i]();
    if (problem != null) {
      log.error("init failed: " + problem);
      result = -2;
      break;
    }
  }
  depth--;
  if (result != 0) initialised = false;
  if (depth == 0) __collect();
  return result;
}

export function frameToGuest(frameId: i32): i32 {
  let ptr = bufferPtr(frameId);
  let len = bufferLen(frameId);
  if (ptr <= 0) return bufferFromSink(replySink(Reply.err(400, "frame " + frameId.toString() + " names no buffer")));
  let frame = Json.parseUtf8(<usize>ptr, len);
  freeBuffer(frameId);
  depth++;
  let out = 0;
  if (frame == null) {
    out = bufferFromSink(replySink(Reply.err(400, "the frame is not JSON: " + Json.error)));
  } else {
    let kind = frame.get("kind").str();
    if (kind != "Ping" && kind != "Signal") {
      out = bufferFromSink(replySink(Reply.err(400, "a guest takes Ping and Signal frames, not `" + kind + "`")));
    } else {
      let reply = router.dispatch(Request.fromFrame(frame));
      if (kind == "Ping") out = bufferFromSink(replySink(reply));
    }
  }
  depth--;
  if (depth == 0) __collect();
  return out;
}

function replySink(reply: Reply): ByteSink {
  let sink = new ByteSink(256);
  writeReplyFrame(sink, reply);
  return sink;
}
