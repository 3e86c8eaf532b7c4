// Types of the `anytime-core` package: the argument and result objects of SPEC §6, exactly as
// `anytime eval` reads and prints them. Instants are ISO-8601 strings; ids of agents,
// departments, contacts, tags and rules are UUID strings; conversation and message ids are
// integers. Optional keys may be left out; keys a function does not use are ignored.

export type Uuid = string;
/** ISO-8601 instant, e.g. `2026-03-02T10:00:00Z`. */
export type Instant = string;
/** Local calendar date `YYYY-MM-DD`. */
export type LocalDate = string;

export type Status = "new" | "pendingInternal" | "pendingExternal" | "onHold" | "closed";
export type Priority = "urgent" | "high" | "normal" | "low";
export type Channel = "email" | "portal" | "api" | "facebook" | "twitter" | "wechat" | "whatsapp";
export type MessageType = "note" | "email" | "reply";
export type SenderType = "agent" | "contact" | "system";
export type AgentStatus = "online" | "away" | "offline";

/** A field value: a string, or for checkboxList/tags an array of strings. */
export type FieldValue = string | string[];

/** The thrown error: `code` is `validationFailed`, `conflict`, `notFound` or `internal`. */
export interface AnytimeError extends Error {
  name: "AnytimeError";
  code: "validationFailed" | "conflict" | "notFound" | "internal";
  details: ErrorDetail[];
}

export interface ErrorDetail {
  field: string;
  message: string;
  /** 0-based character offset of the fault in parsed text (logical expressions). */
  position?: number;
}

// ---------------------------------------------------------------- shared objects (§4)

export type FieldType =
  | "text" | "textarea" | "email" | "url" | "date" | "integer" | "float" | "operator"
  | "radio" | "checkbox" | "dropdownList" | "checkboxList" | "link" | "department";

export interface FieldOption {
  id?: string | null;
  name?: string;
  value?: string;
  order?: number;
}

export interface FieldDef {
  id: string;
  type: FieldType;
  name?: string;
  isSystemField?: boolean;
  isRequired?: boolean;
  defaultValue?: FieldValue | null;
  helpText?: string | null;
  length?: number | null;
  options?: FieldOption[];
}

export interface CustomFieldValue {
  id: string;
  name?: string;
  value: FieldValue;
}

export interface Mention {
  agentId: Uuid;
  isRead: boolean;
  messageId: number;
}

/** A conversation snapshot (every key optional on input; all present on output). */
export interface Conversation {
  id?: number;
  subject?: string;
  agentAssigneeId?: Uuid | null;
  departmentAssigneeId?: Uuid | null;
  contactId?: Uuid | null;
  receivedFrom?: string | null;
  channel?: Channel;
  priority?: Priority;
  status?: Status;
  isRead?: boolean;
  customFields?: CustomFieldValue[];
  tagIds?: Uuid[];
  createdTime?: Instant | null;
  lastActivityTime?: Instant | null;
  lastStatusChangeTime?: Instant | null;
  lastRepliedTime?: Instant | null;
  isDeleted?: boolean;
  slaPolicyId?: Uuid | null;
  firstRespondBreachAt?: Instant | null;
  nextRespondBreachAt?: Instant | null;
  resolveBreachAt?: Instant | null;
  mergedIntoId?: number | null;
  createdById?: Uuid | null;
  createdByType?: SenderType | null;
  lastRepliedById?: Uuid | null;
  lastRepliedByType?: SenderType | null;
  isReadByContact?: boolean;
  mentionedAgents?: Mention[];
  lastMessage?: string | null;
}

export interface Agent {
  id: Uuid;
  name?: string;
  email?: string | null;
  /** Default true. */
  isActive?: boolean;
  departmentIds?: Uuid[];
  status?: AgentStatus;
  /** Open conversations by status. */
  load?: Partial<Record<Status, number>>;
}

export interface Department {
  id: Uuid;
  name?: string;
}

export interface ContactInfo {
  name?: string | null;
  email?: string | null;
}

export interface MessageInfo {
  plainBody?: string;
  from?: string | null;
  isAutoReply?: boolean;
}

export interface Context {
  now?: Instant | null;
  /** IANA time zone name, default `UTC`. */
  timeZone?: string;
  contact?: ContactInfo | null;
  message?: MessageInfo | null;
}

export interface HasId {
  id: Uuid;
}

export interface ValueEntry {
  id: string;
  value?: FieldValue | null;
}

// ---------------------------------------------------------------- working time (§4.8, §5.5)

export interface Period {
  openHour: number;
  openMin?: number;
  closeHour: number;
  closeMin?: number;
}

export interface BusinessTime {
  /** Default true. */
  isBusinessDay?: boolean;
  openHour?: number;
  openMin?: number;
  closeHour?: number;
  closeMin?: number;
  /** Split shifts: several non-overlapping windows instead of open/close. */
  periods?: Period[];
}

export interface WorkingTime {
  timeZone?: string;
  sundayBusinessTime?: BusinessTime | null;
  mondayBusinessTime?: BusinessTime | null;
  tuesdayBusinessTime?: BusinessTime | null;
  wednesdayBusinessTime?: BusinessTime | null;
  thursdayBusinessTime?: BusinessTime | null;
  fridayBusinessTime?: BusinessTime | null;
  saturdayBusinessTime?: BusinessTime | null;
}

export type Holiday = LocalDate | { id?: string; title?: string; date: LocalDate };

export interface AddBusinessTimeArgs {
  workingTime: WorkingTime;
  holidays?: Holiday[];
  start: Instant;
  seconds: number;
}
export interface AddBusinessTimeResult {
  due: Instant;
}

export interface BusinessTimeBetweenArgs {
  workingTime: WorkingTime;
  holidays?: Holiday[];
  from: Instant;
  to: Instant;
}
export interface BusinessTimeBetweenResult {
  seconds: number;
}

// ---------------------------------------------------------------- conditions (§5.1)

export type MatchType =
  | "contains" | "notContains" | "is" | "isNot" | "isMoreThan" | "isLessThan" | "before"
  | "after";

export interface Condition {
  id?: string;
  fieldId: string;
  matchType: MatchType;
  value?: FieldValue | null;
}

export interface ConditionsObject {
  when?: "all" | "any" | "logicalExpression";
  logicalExpression?: string | null;
  list?: Condition[];
}

/** A bare array means `when: "all"`. */
export type Conditions = ConditionsObject | Condition[];

export interface ParseLogicalExpressionArgs {
  expression: string;
  conditionCount: number;
}
export interface ParseLogicalExpressionResult {
  canonical: string;
}

export interface EvaluateConditionsArgs {
  conditions: Conditions;
  conversation?: Conversation;
  fields?: FieldDef[];
  context?: Context;
}
export interface EvaluateConditionsResult {
  matched: boolean;
  /** One result per condition, in list order. */
  results: boolean[];
}

// ---------------------------------------------------------------- field validation (§5.8)

export interface ValidateFieldsArgs {
  fields: FieldDef[];
  values: ValueEntry[];
  agents?: HasId[];
  departments?: HasId[];
  checkRequired?: boolean;
}
export interface ValidateFieldsResult {
  valid: boolean;
  errors: ErrorDetail[];
}

// ---------------------------------------------------------------- SLA (§4.7, §5.6)

export interface SlaPolicy {
  id: Uuid;
  name?: string;
  /** Default true. */
  enable?: boolean;
  /** Hours, decimals allowed. */
  firstRespondWithin?: number | null;
  nextRespondWithin?: number | null;
  resolveRespondWithin?: number | null;
  operationalHour?: "businessHours" | "calendarHours";
  conditions?: Conditions;
  orderIndex?: number;
}

export type TimelineItem =
  | { kind: "message"; time: Instant; messageType: MessageType; senderType: SenderType }
  | { kind: "statusChanged"; time: Instant; status: Status }
  | { kind: "fieldChanged"; time: Instant; fieldId: string; value?: FieldValue | null };

export interface ComputeSlaArgs {
  policies: SlaPolicy[];
  workingTime?: WorkingTime | null;
  holidays?: Holiday[];
  conversation: Conversation;
  timeline?: TimelineItem[];
  now: Instant;
  fields?: FieldDef[];
  context?: Context;
}

export type SlaTarget = "firstResponse" | "nextResponse" | "resolution";

export interface Breach {
  target: SlaTarget;
  breachedAt: Instant;
}

export interface ComputeSlaResult {
  slaPolicyId: Uuid | null;
  firstRespondBreachAt: Instant | null;
  nextRespondBreachAt: Instant | null;
  resolveBreachAt: Instant | null;
  breaches: Breach[];
}

// ---------------------------------------------------------------- routing (§4.4, §5.2)

export type RouteObject = "agent" | "department";

export interface CustomRule {
  id: Uuid;
  orderIndex?: number;
  /** Default true. */
  isEnable?: boolean;
  name?: string;
  conditions?: Conditions;
  routeToObject: RouteObject;
  routeToId: Uuid;
  routeToPriority?: Priority | null;
}

export interface RoutingConfig {
  isEnable?: boolean;
  type?: "simple" | "rules";
  simpleRouteToObject?: RouteObject | null;
  simpleRouteToId?: Uuid | null;
  simpleRouteToPriority?: Priority | null;
  rules?: CustomRule[];
  matchFailedToObject?: RouteObject | null;
  matchFailedToId?: Uuid | null;
  matchFailedToPriority?: Priority | null;
}

export interface AccountAssignment {
  assignedAgentId?: Uuid | null;
  assignedDepartmentId?: Uuid | null;
}

export interface RouteArgs {
  routing: RoutingConfig;
  conversation: Conversation;
  fields?: FieldDef[];
  agents?: Agent[];
  departments?: Department[];
  context?: Context;
  /** The receiving email/channel account's assignment (used when routing is disabled). */
  account?: AccountAssignment;
}

export interface RouteResult {
  target: { object: RouteObject; id: Uuid } | null;
  priority: Priority | null;
  ruleId: Uuid | null;
  via: "account" | "simple" | "rule" | "matchFailed" | "unassigned";
}

// ---------------------------------------------------------------- allocation (§4.5, §5.3)

export type AllocationStrategy = "loadBalancing" | "roundRobin";

export interface DepartmentAllocationRule {
  departmentId: Uuid;
  allocationTo?: "department" | "allAgents";
  allocationRule?: AllocationStrategy;
  preferLastAssignee?: boolean;
}

export interface DefaultAllocationRule {
  allocationTo?: "department" | "allAgents";
  allocationRule?: AllocationStrategy;
  preferLastAssignee?: boolean;
}

export interface AgentPreference {
  agentId: Uuid;
  maxConcurrentCount?: number;
  /** Default true. */
  ifAcceptAllocation?: boolean;
}

export interface AutoAllocationSetting {
  enable?: boolean;
  isEnabledDepartment?: boolean;
  departmentAllocationRule?: DepartmentAllocationRule[];
  defaultAllocationRule?: DefaultAllocationRule | null;
  setMaxNumberForEachAgent?: boolean;
  /** 0 or absent = unlimited. */
  maxNumberForAllAgents?: number;
  agentPreferences?: AgentPreference[];
  excludePendingExternal?: boolean;
  excludeOnHold?: boolean;
}

export interface AllocationConversation {
  id?: number;
  agentAssigneeId?: Uuid | null;
  departmentAssigneeId?: Uuid | null;
  status?: Status;
  priority?: Priority;
  createdTime?: Instant | null;
  isDeleted?: boolean;
  mergedIntoId?: number | null;
  /** The agent of the contact's most recent earlier conversation. */
  lastAssigneeId?: Uuid | null;
}

export interface AgentMemory {
  addedLoad?: Partial<Record<Status, number>>;
  lastAllocated?: number;
}

/** The allocator's memory; `{}` is a fresh allocator. Pass each returned state to the next call. */
export interface AllocationState {
  agents?: Record<Uuid, AgentMemory>;
  allocationCount?: number;
  /** Keyed by department id or `allAgents`. */
  roundRobinCursors?: Record<string, Uuid>;
}

export interface AllocateArgs {
  settings: AutoAllocationSetting;
  agents?: Agent[];
  conversation: AllocationConversation;
  state?: AllocationState;
}
export interface AllocateResult {
  /** null: the conversation waits in its department's queue. */
  agentId: Uuid | null;
  state: Required<AllocationState>;
}

export interface AllocateWaitingArgs {
  settings: AutoAllocationSetting;
  agents?: Agent[];
  conversations: AllocationConversation[];
  state?: AllocationState;
}
export interface AllocateWaitingResult {
  assignments: { agentId: Uuid; conversationId: number }[];
  state: Required<AllocationState>;
  waiting: number[];
}

// ---------------------------------------------------------------- conversation state (§5.7)

export type HistoryValue = FieldValue | null;

export interface HistoryEntry {
  time: Instant;
  actorType: SenderType;
  actorId: Uuid | null;
  field: string;
  oldValue: HistoryValue;
  newValue: HistoryValue;
  ruleId: Uuid | null;
  triggerId: Uuid | null;
}

export type ConversationEvent =
  | { type: "conversationCreated"; time: Instant; status: Status; channel: Channel }
  | { type: "messageAdded"; time: Instant; messageId: number; messageType: MessageType; senderType: SenderType }
  | { type: "conversationReplyIsReceived"; time: Instant; messageId: number }
  | { type: "agentReplied"; time: Instant; messageId: number; agentId: Uuid }
  | { type: "agentMentioned"; time: Instant; messageId: number; agentId: Uuid }
  | {
      type: "assigneeIsChanged";
      time: Instant;
      oldAgentId: Uuid | null;
      newAgentId: Uuid | null;
      oldDepartmentId: Uuid | null;
      newDepartmentId: Uuid | null;
    }
  | { type: "statusIsChanged"; time: Instant; old: Status; new: Status }
  | { type: "fieldChanged"; time: Instant; fieldId: string; oldValue: HistoryValue; newValue: HistoryValue }
  | { type: "conversationClosed"; time: Instant }
  | { type: "conversationReopened"; time: Instant; status: Status }
  | { type: "conversationDeleted"; time: Instant }
  | { type: "conversationRestored"; time: Instant }
  | { type: "conversationMerged"; time: Instant; sourceId: number; targetId: number };

export interface Message {
  id: number;
  conversationId?: number;
  type: MessageType;
  senderType: SenderType;
  senderId?: Uuid | null;
  time: Instant;
  htmlBody?: string;
  plainBody?: string;
  mentionedAgentIds?: Uuid[];
}

export interface NewMessage {
  id: number;
  type?: MessageType | null;
  htmlBody?: string | null;
  plainBody?: string | null;
  time?: Instant | null;
}

export type Actor = { type: "agent"; id: Uuid } | { type: "contact"; id: Uuid } | { type: "system" };

interface CommandBase {
  actor?: Actor;
  ruleId?: Uuid | null;
  triggerId?: Uuid | null;
}

export type Command = CommandBase &
  (
    | {
        type: "create";
        subject?: string;
        channel: Channel;
        contactId?: Uuid | null;
        receivedFrom?: string | null;
        agentAssigneeId?: Uuid | null;
        departmentAssigneeId?: Uuid | null;
        priority?: Priority | null;
        status?: Status | null;
        customFields?: ValueEntry[];
        tagIds?: Uuid[];
        message: NewMessage;
      }
    | { type: "reply" | "note"; message: NewMessage; status?: Status | null }
    | {
        type: "update";
        subject?: string | null;
        contactId?: Uuid | null;
        /** Present with null: unassign. Absent: unchanged. */
        agentAssigneeId?: Uuid | null;
        departmentAssigneeId?: Uuid | null;
        priority?: Priority | null;
        status?: Status | null;
        isRead?: boolean | null;
        tagIds?: Uuid[] | null;
        customFields?: ValueEntry[];
      }
    | { type: "close" | "read" | "unread" | "delete" | "restore" }
    | { type: "reopen"; status?: Status | null }
    | {
        type: "merge";
        source: Conversation;
        targetMessages?: Message[];
        sourceMessages?: Message[];
        targetNoteId: number;
        sourceNoteId: number;
      }
  );

export interface CommandContext {
  now: Instant;
  fields?: FieldDef[];
  /** When given, assignees must be among them. */
  agents?: HasId[] | null;
  departments?: HasId[] | null;
}

export interface ApplyCommandArgs {
  conversation: Conversation;
  command: Command;
  context: CommandContext;
}

export interface ApplyCommandResult {
  conversation: Required<Conversation>;
  events: ConversationEvent[];
  history: HistoryEntry[];
  messages: Message[];
  /** Present for merges: the source's outcome and the merged message order. */
  source?: ApplyCommandResult;
  messageOrder?: number[];
}

// ---------------------------------------------------------------- triggers (§4.6, §5.4)

export type TriggerEvent =
  | "conversationCreated" | "conversationReplyIsReceived" | "agentReplied" | "assigneeIsChanged"
  | "statusIsChanged" | "staysAtStatusPeriod" | "slaBreached";

export interface Trigger {
  id: Uuid;
  name?: string;
  description?: string;
  /** Default true. */
  enable?: boolean;
  /** By name or by the seed's number. */
  event: TriggerEvent | number;
  conditions?: Conditions;
  stayStatus?: Status | null;
  stayMinutes?: number | null;
  setValue?: boolean;
  autoUpdate?: { fieldId: string; value: FieldValue }[];
  sendEmail?: boolean;
  sendToContacts?: boolean;
  sendToAgents?: boolean;
  toAgents?: Uuid[];
  subject?: string;
  htmlText?: string;
  plainText?: string;
  showInConversationCorrespondences?: boolean;
  orderIndex?: number;
}

export interface SiteInfo {
  name?: string;
  url?: string;
  addresses?: string[];
}

export interface RunTriggersContext extends Context {
  site?: SiteInfo;
  siteAddresses?: string[];
}

export interface RunTriggersArgs {
  triggers: Trigger[];
  event: TriggerEvent | number;
  /** For staysAtStatusPeriod: the trigger whose timer fired. */
  triggerId?: Uuid | null;
  conversation: Conversation;
  fields?: FieldDef[];
  agents?: Agent[];
  departments?: Department[] | null;
  context: RunTriggersContext;
}

export type Recipient =
  | { kind: "contact"; contactId: Uuid | null; email: string | null }
  | { kind: "agent"; agentId: Uuid; email: string | null };

export type TriggerEffect =
  | {
      type: "sendEmail";
      triggerId: Uuid;
      recipients: Recipient[];
      subject: string;
      htmlText: string;
      plainText: string;
      showInConversationCorrespondences: boolean;
    }
  | { type: "emailSuppressed"; triggerId: Uuid; reason: "autoReply" | "ownAddress" }
  | { type: "updateRejected"; triggerId: Uuid; details: ErrorDetail[] }
  | { type: "scheduleTimer"; triggerId: Uuid; status: Status; fireAt: Instant };

export interface RunTriggersResult {
  conversation: Required<Conversation>;
  effects: TriggerEffect[];
  /** Trigger ids in firing order. */
  fired: Uuid[];
  events: ConversationEvent[];
  history: HistoryEntry[];
  cascadeStopped: boolean;
}

// ---------------------------------------------------------------- inbound (§4.9, §5.9)

export type BlockType = "blockEmailasJunk" | "rejectEmail" | "blockDomainasJunk" | "rejectDomain";

export interface BlockedSender {
  id?: string;
  email: string;
  blockType: BlockType;
}

export interface InboundConfig {
  siteAddresses?: string[];
  blockedSenders?: BlockedSender[];
  /** Default 30; 0 = always reopen. */
  followUpDays?: number;
  knownMessages?: { messageId: string; conversationId: number }[];
  conversations?: { id: number; contactEmail: string; status?: Status; closedTime?: Instant | null }[];
  chatbot?: { percentage: number; offlinePercentage: number } | null;
}

export interface InboundMessage {
  messageId?: string | null;
  externalMessageId?: string | null;
  from?: string;
  to?: string[];
  cc?: string[];
  subject?: string;
  inReplyTo?: string | null;
  references?: string[];
  /** A list of `{name, value}` or a map of name to value(s). */
  headers?: { name: string; value: string }[] | Record<string, string | string[]>;
  date?: Instant | null;
  text?: string | null;
  html?: string | null;
}

export interface InboundContext {
  now: Instant;
  siteAddresses?: string[];
  skipBlockCheck?: boolean;
  siteId?: Uuid | null;
  newConversationId?: number | null;
  anyAgentOnline?: boolean;
}

export interface ProcessInboundArgs {
  config: InboundConfig;
  message: InboundMessage;
  context: InboundContext;
}

export type InboundDecision = { isAutoReply: boolean } & (
  | { action: "duplicate"; conversationId: number }
  | { action: "loop" }
  | { action: "reject"; rule: BlockedSender }
  | { action: "junk"; rule: BlockedSender }
  | {
      action: "append";
      conversationId: number;
      reopen: boolean;
      matchedBy: "inReplyTo" | "references" | "subjectToken";
    }
  | { action: "newConversation"; sender: string; linkedConversationId: number | null; bot?: boolean }
);

export interface ProcessInboundResult {
  decision: InboundDecision;
}

// ---------------------------------------------------------------- new-conversation pipeline (§5.9)

/** An extension beyond SPEC §6: a `create` command, then routing → allocation → triggers → SLA. */
export interface AdmitConversationArgs {
  conversation: Conversation;
  command: Command;
  routing?: RoutingConfig;
  allocation?: AutoAllocationSetting;
  state?: AllocationState;
  slaPolicies?: SlaPolicy[];
  workingTime?: WorkingTime | null;
  holidays?: Holiday[];
  triggers?: Trigger[];
  fields?: FieldDef[];
  agents?: Agent[];
  departments?: Department[];
  context: Context;
  site?: SiteInfo;
  account?: AccountAssignment;
  toBot?: boolean;
  lastAssigneeId?: Uuid | null;
}

export interface AdmitConversationResult {
  conversation: Required<Conversation>;
  route: RouteResult | null;
  allocatedAgentId: Uuid | null;
  waiting: boolean;
  allocationState: AllocationState;
  fired: Uuid[];
  effects: TriggerEffect[];
  slaPolicyId: Uuid | null;
  breaches: Breach[];
  events: ConversationEvent[];
  history: HistoryEntry[];
}

// ---------------------------------------------------------------- the functions (§6)

export declare function addBusinessTime(input: AddBusinessTimeArgs): AddBusinessTimeResult;
export declare function businessTimeBetween(input: BusinessTimeBetweenArgs): BusinessTimeBetweenResult;
export declare function parseLogicalExpression(input: ParseLogicalExpressionArgs): ParseLogicalExpressionResult;
export declare function evaluateConditions(input: EvaluateConditionsArgs): EvaluateConditionsResult;
export declare function validateFields(input: ValidateFieldsArgs): ValidateFieldsResult;
export declare function computeSla(input: ComputeSlaArgs): ComputeSlaResult;
export declare function route(input: RouteArgs): RouteResult;
export declare function allocate(input: AllocateArgs): AllocateResult;
/** An extension beyond SPEC §6: allocates a department's waiting queue (§5.3). */
export declare function allocateWaiting(input: AllocateWaitingArgs): AllocateWaitingResult;
export declare function runTriggers(input: RunTriggersArgs): RunTriggersResult;
export declare function processInbound(input: ProcessInboundArgs): ProcessInboundResult;
export declare function applyCommand(input: ApplyCommandArgs): ApplyCommandResult;
/** An extension beyond SPEC §6: the whole new-conversation pipeline. */
export declare function admitConversation(input: AdmitConversationArgs): AdmitConversationResult;

export interface FunctionTypes {
  addBusinessTime: [AddBusinessTimeArgs, AddBusinessTimeResult];
  businessTimeBetween: [BusinessTimeBetweenArgs, BusinessTimeBetweenResult];
  parseLogicalExpression: [ParseLogicalExpressionArgs, ParseLogicalExpressionResult];
  evaluateConditions: [EvaluateConditionsArgs, EvaluateConditionsResult];
  validateFields: [ValidateFieldsArgs, ValidateFieldsResult];
  computeSla: [ComputeSlaArgs, ComputeSlaResult];
  route: [RouteArgs, RouteResult];
  allocate: [AllocateArgs, AllocateResult];
  allocateWaiting: [AllocateWaitingArgs, AllocateWaitingResult];
  runTriggers: [RunTriggersArgs, RunTriggersResult];
  processInbound: [ProcessInboundArgs, ProcessInboundResult];
  applyCommand: [ApplyCommandArgs, ApplyCommandResult];
  admitConversation: [AdmitConversationArgs, AdmitConversationResult];
}

/**
 * Runs any function by name (what `anytime eval NAME` does), passing the object itself to the
 * module (serde-wasm-bindgen) instead of JSON text; same results as the named functions.
 */
export declare function call<F extends keyof FunctionTypes>(
  name: F,
  input: FunctionTypes[F][0],
): FunctionTypes[F][1];

/**
 * Runs a function on one line of JSON text and returns one line of JSON: the result or
 * `{"error":{"code","message","details"}}` — exactly what `anytime eval NAME` prints.
 */
export declare function callJson(name: keyof FunctionTypes, line: string): string;

/** The names of the functions above. */
export declare const FUNCTIONS: readonly (keyof FunctionTypes)[];
