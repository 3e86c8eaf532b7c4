// The example the playground opens with. Expected results, worked out by hand (and checked by
// web-demo/test/playground.test.js): the subject contains "invoice" → rule "Billing questions"
// routes to Billing with priority high; Billing allocates by load → Ben (0 open) over Ann (2);
// Standard SLA on Berlin hours Mon–Fri 09–17 from Friday 2026-11-20 16:00 local (15:00Z):
// first response 2 business hours → Friday 16–17 + Monday 09–10 → 2026-11-23T09:00:00Z;
// resolution 16 h → Fri 1 h + Mon 8 h + Tue 09–16 → 2026-11-24T15:00:00Z.

const ANN = "11111111-1111-4111-8111-111111111111";
const BEN = "22222222-2222-4222-8222-222222222222";
const SALES = "dddddddd-dddd-4ddd-8ddd-dddddddddd01";
const BILLING = "dddddddd-dddd-4ddd-8ddd-dddddddddd02";

const day = { isBusinessDay: true, openHour: 9, openMin: 0, closeHour: 17, closeMin: 0 };

export const EXAMPLE = {
  now: "2026-11-20T15:00:00Z",
  workingTime: {
    timeZone: "Europe/Berlin",
    mondayBusinessTime: day,
    tuesdayBusinessTime: day,
    wednesdayBusinessTime: day,
    thursdayBusinessTime: day,
    fridayBusinessTime: day,
    saturdayBusinessTime: { isBusinessDay: false },
    sundayBusinessTime: { isBusinessDay: false },
  },
  holidays: [{ title: "Christmas Day", date: "2026-12-25" }, { title: "Boxing Day", date: "2026-12-26" }],
  slaPolicies: [
    {
      id: "cccccccc-0000-4000-8000-000000000001",
      name: "Urgent",
      enable: true,
      orderIndex: 0,
      operationalHour: "calendarHours",
      firstRespondWithin: 0.5,
      resolveRespondWithin: 4,
      conditions: { when: "all", list: [{ fieldId: "priority", matchType: "is", value: "urgent" }] },
    },
    {
      id: "cccccccc-0000-4000-8000-000000000002",
      name: "Standard",
      enable: true,
      orderIndex: 1,
      operationalHour: "businessHours",
      firstRespondWithin: 2,
      nextRespondWithin: 4,
      resolveRespondWithin: 16,
      conditions: { when: "all", list: [] },
    },
  ],
  routing: {
    isEnable: true,
    type: "rules",
    rules: [
      {
        id: "aaaaaaaa-0000-4000-8000-000000000001",
        name: "Billing questions",
        orderIndex: 0,
        isEnable: true,
        conditions: {
          when: "any",
          list: [
            { fieldId: "subject", matchType: "contains", value: "invoice" },
            { fieldId: "subject", matchType: "contains", value: "refund" },
          ],
        },
        routeToObject: "department",
        routeToId: BILLING,
        routeToPriority: "high",
      },
    ],
    matchFailedToObject: "department",
    matchFailedToId: SALES,
  },
  allocation: {
    enable: true,
    isEnabledDepartment: true,
    departmentAllocationRule: [
      { departmentId: BILLING, allocationTo: "department", allocationRule: "loadBalancing" },
      { departmentId: SALES, allocationTo: "department", allocationRule: "roundRobin" },
    ],
    defaultAllocationRule: { allocationTo: "allAgents", allocationRule: "loadBalancing" },
    setMaxNumberForEachAgent: false,
    maxNumberForAllAgents: 10,
  },
  triggers: [
    {
      id: "bbbbbbbb-0000-4000-8000-000000000001",
      name: "Acknowledge high priority",
      event: "conversationCreated",
      orderIndex: 0,
      conditions: { when: "all", list: [{ fieldId: "priority", matchType: "is", value: "high" }] },
      sendEmail: true,
      sendToContacts: true,
      subject: "We are on it [#{{conversation.id}}]",
      plainText: "Hello {{contact.name}}, your request \"{{conversation.subject}}\" has priority {{conversation.priority}}.",
      htmlText: "<p>Hello {{contact.name}}, your request has priority {{conversation.priority}}.</p>",
    },
  ],
  agents: [
    { id: ANN, name: "Ann", email: "ann@acme.example", isActive: true, status: "online", departmentIds: [SALES, BILLING], load: { pendingInternal: 2 } },
    { id: BEN, name: "Ben", email: "ben@acme.example", isActive: true, status: "online", departmentIds: [BILLING] },
  ],
  departments: [
    { id: SALES, name: "Sales" },
    { id: BILLING, name: "Billing" },
  ],
  conversation: {
    id: 4711,
    subject: "Invoice 2026-118 charges twice",
    channel: "email",
    status: "new",
    priority: "normal",
    contactId: "55555555-5555-4555-8555-555555555555",
    createdTime: "2026-11-20T15:00:00Z",
  },
  contact: { name: "Bo", email: "bo@customer.example" },
  timeline: [{ kind: "message", time: "2026-11-20T15:00:00Z", messageType: "email", senderType: "contact" }],
};

/** The editors, in display order: key in the state, label, and help. */
export const EDITORS = [
  ["workingTime", "Working time", "timeZone and one {isBusinessDay, openHour, openMin, closeHour, closeMin} per weekday"],
  ["holidays", "Holidays", "[{title, date}] — whole local dates"],
  ["slaPolicies", "SLA policies", "first enabled policy (by orderIndex) whose conditions match; hours"],
  ["routing", "Routing", "isEnable, type simple|rules, rules, matchFailedTo…"],
  ["allocation", "Auto allocation", "department rules: loadBalancing or roundRobin"],
  ["triggers", "Triggers", "run on conversationCreated after routing and allocation"],
  ["agents", "Agents", "status, departmentIds, load (open conversations by status)"],
  ["departments", "Departments", ""],
  ["conversation", "Conversation", "as created, before routing"],
  ["contact", "Contact", "{name, email} for trigger e-mails"],
  ["timeline", "Timeline", "messages and status changes in time order, for the SLA clocks"],
];
