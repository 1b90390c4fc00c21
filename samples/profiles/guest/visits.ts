// @ts-nocheck: AssemblyScript, compiled by scripts/build-guests.mjs into bundle/wasm/visits.wasm.
// Counts visits per user for the profile mechtrons: `Ext<Visit>` with the user's name as Text adds one and
// answers the new count; `Ext<Count>` answers it unchanged. The counts live in this mechtron's memory.
import { router, Request, Reply } from "guest";

const counts = new Map<string, i32>();

router.ext("Visit", (req: Request): Reply => {
  let name = req.text();
  let count = (counts.has(name) ? counts.get(name) : 0) + 1;
  counts.set(name, count);
  return Reply.text(count.toString());
});

router.ext("Count", (req: Request): Reply => {
  let name = req.text();
  return Reply.text((counts.has(name) ? counts.get(name) : 0).toString());
});
