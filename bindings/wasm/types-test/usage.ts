// Type-checks typical calls against the hand-written declarations (tsc --noEmit, strict);
// the @ts-expect-error line proves arguments are really checked (not `any`).
import { computeSla, route, type ComputeSlaResult, type AnytimeError } from "anytime-core";
import init, { allocate } from "anytime-core/web";
const r: ComputeSlaResult = computeSla({ policies: [{ id: "x", firstRespondWithin: 2 }], conversation: { createdTime: "2026-01-01T00:00:00Z" }, now: "2026-01-01T00:00:00Z" });
const d = route({ routing: { isEnable: true, type: "rules", rules: [] }, conversation: { subject: "s" } });
const via: "account" | "simple" | "rule" | "matchFailed" | "unassigned" = d.via;
await init();
const a = allocate({ settings: { enable: true }, conversation: { id: 1 } });
const id: string | null = a.agentId;
// @ts-expect-error: wrong argument shape must not type-check
route({ routing: 5, conversation: {} });
try { route({ routing: {}, conversation: {} }); } catch (e) { const err = e as AnytimeError; console.log(err.code, r, via, id); }
