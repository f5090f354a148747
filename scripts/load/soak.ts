/**
 * The soak: many simulated users send valid, retried, duplicated, cross-user, malformed,
 * oversized and expired-token requests at once, optionally while PostgREST and Postgres are
 * stopped and restarted. Afterwards every response is checked against the database.
 *
 * Bounded by time and by request count, on loopback only.
 *
 * @example
 * ```sh
 * deno run -A scripts/load/soak.ts --seconds 60 --users 16 --faults
 * ```
 */
import { parseArgs } from "node:util";
import { type Fixtures, openFixtures, signUserToken } from "../../tests/support/fixtures.ts";
import {
  type EventBody,
  headersFor,
  liftIngestLimits,
  makeEvent,
  makeUsers,
  quantile,
  type SimUser,
  type Timed,
  timedPost,
} from "./workload.ts";

const STACK = new URL("../stack", import.meta.url).pathname;
// Traffic kept up after the last outage ends, and the most the load may outlast `seconds`.
const RECOVERY_MS = 3_000;
const HARD_LIMIT_MS = 60_000;

export interface SoakOptions {
  seconds: number;
  users: number;
  maxRequests: number;
  /** Stop and restart PostgREST, then Postgres, while the load runs. */
  faults: boolean;
  log?: (line: string) => void;
}

type Kind =
  | "single"
  | "batch"
  | "retry"
  | "concurrent_duplicate"
  | "cross_user_function"
  | "cross_user_rest"
  | "malformed"
  | "oversized"
  | "expired_token";

// How often each kind is drawn, out of 100.
const MIX: [Kind, number][] = [
  ["single", 30],
  ["batch", 20],
  ["retry", 10],
  ["concurrent_duplicate", 5],
  ["cross_user_function", 10],
  ["cross_user_rest", 5],
  ["malformed", 7],
  ["oversized", 5],
  ["expired_token", 8],
];

const EXPECTED: Record<Kind, number[]> = {
  single: [201],
  batch: [201],
  retry: [200, 201],
  concurrent_duplicate: [200, 201],
  cross_user_function: [403],
  cross_user_rest: [403],
  malformed: [400],
  oversized: [413],
  expired_token: [401],
};

interface Sent {
  kind: Kind;
  user: SimUser;
  eventIds: string[];
  result: Timed;
  /** Whether a fault was active at any time during the request. */
  duringFault: boolean;
  endedAt: number;
}

export interface SoakReport {
  requests: number;
  byKind: Record<string, number>;
  byStatus: Record<string, number>;
  eventsAcked: number;
  eventsStored: number;
  ackedMissing: number;
  ackedStoredTwice: number;
  rejectedButStored: number;
  partialBatches: number;
  foreignRows: number;
  serverErrors: number;
  unavailable: number;
  unavailableWithoutRetryAfter: number;
  slowestUnavailableMs: number;
  unexpected: string[];
  okAfterLastFault: number;
  faultWindows: number;
  p50Ms: number;
  p99Ms: number;
}

function pick(): Kind {
  let roll = Math.random() * 100;
  for (const [kind, weight] of MIX) {
    roll -= weight;
    if (roll < 0) return kind;
  }
  return "single";
}

async function stack(...args: string[]): Promise<void> {
  const run = await new Deno.Command("bash", {
    args: [STACK, ...args],
    stdout: "null",
    stderr: "piped",
  })
    .output();
  if (!run.success) {
    throw new Error(
      `scripts/stack ${args.join(" ")} failed: ${new TextDecoder().decode(run.stderr)}`,
    );
  }
}

export async function runSoak(options: SoakOptions, fixtures?: Fixtures): Promise<SoakReport> {
  const log = options.log ?? console.log;
  const db = fixtures ?? await openFixtures();
  const env = db.env;
  const fnUrl = `${env.apiUrl}/functions/v1/track-event`;
  const restUrl = `${env.apiUrl}/rest/v1/analytics_events`;
  log(`creating ${options.users} simulated users with two jobs each`);
  const users = await makeUsers(db, options.users, 2);
  // The soak checks delivery under load and faults; the limiter's refusals have their own tests.
  await liftIngestLimits(db, users);
  const expired = new Map<string, string>();
  for (const user of users) {
    expired.set(
      user.id,
      await signUserToken(env.jwtSecret, { sub: user.id, expiresInSeconds: -30 }),
    );
  }
  const sent: Sent[] = [];
  const acked: Map<string, EventBody[]> = new Map(users.map((u) => [u.id, []]));
  let faultActive = false;
  let faultWindows = 0;
  let lastFaultEnd = 0;
  let faultsDone = !options.faults;
  const deadline = performance.now() + options.seconds * 1000;
  // Recovery is judged on traffic after the last outage, however long the restart took on a busy
  // machine: the load goes on until RECOVERY_MS after it, within a hard limit.
  const hardDeadline = deadline + HARD_LIMIT_MS;
  const loadGoesOn = () => {
    const now = performance.now();
    if (now >= hardDeadline || sent.length >= options.maxRequests) return false;
    return now < deadline || !faultsDone || now < lastFaultEnd + RECOVERY_MS;
  };
  const oversized = JSON.stringify({ event: "big", properties: { blob: "x".repeat(600 * 1024) } });

  const record = (
    kind: Kind,
    user: SimUser,
    events: EventBody[],
    result: Timed,
    fault: boolean,
  ) => {
    sent.push({
      kind,
      user,
      eventIds: events.map((e) => e.event_id),
      result,
      duringFault: fault,
      endedAt: performance.now(),
    });
    if (result.status === 200 || result.status === 201) acked.get(user.id)!.push(...events);
  };

  const post = (url: string, user: SimUser, body: unknown, token = user.token) =>
    timedPost(url, headersFor(env, token), typeof body === "string" ? body : JSON.stringify(body));

  async function act(user: SimUser, n: number): Promise<void> {
    const kind = pick();
    const faultAtStart = faultActive;
    const stranger = users[(users.indexOf(user) + 1) % users.length];
    let events: EventBody[] = [];
    let result: Timed;
    switch (kind) {
      case "single":
        events = [makeEvent(user, n)];
        result = await post(fnUrl, user, events[0]);
        break;
      case "batch":
        events = Array.from({ length: 1 + (n % 20) }, (_, i) => makeEvent(user, n + i));
        result = await post(fnUrl, user, { events, sent_at: new Date().toISOString() });
        break;
      case "retry": {
        const previous = acked.get(user.id)!;
        events = previous.length ? [previous[n % previous.length]] : [makeEvent(user, n)];
        result = await post(fnUrl, user, events[0]);
        break;
      }
      case "concurrent_duplicate": {
        events = [makeEvent(user, n)];
        const [a, b] = await Promise.all([
          post(fnUrl, user, events[0]),
          post(fnUrl, user, events[0]),
        ]);
        record(kind, user, events, a, faultAtStart || faultActive);
        result = b;
        break;
      }
      case "cross_user_function":
        // A mixed batch: the user's own event must not be stored either.
        events = [makeEvent(user, n + 1), makeEvent(user, n, stranger.jobs[0])];
        result = await post(fnUrl, user, { events });
        break;
      case "cross_user_rest":
        events = [makeEvent(user, n, stranger.jobs[0])];
        result = await post(restUrl, user, events);
        break;
      case "malformed":
        events = [makeEvent(user, n)];
        result = await post(fnUrl, user, JSON.stringify(events[0]).slice(0, -3));
        break;
      case "oversized":
        result = await post(fnUrl, user, oversized);
        break;
      case "expired_token":
        events = [makeEvent(user, n)];
        result = await post(fnUrl, user, events[0], expired.get(user.id));
        break;
    }
    record(kind, user, events, result, faultAtStart || faultActive);
  }

  async function faults(): Promise<void> {
    const total = options.seconds * 1000;
    const windows: [string, number][] = [["postgrest", 0.25], ["postgres", 0.6]];
    const begun = performance.now();
    for (const [component, at] of windows) {
      const wait = begun + total * at - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      log(`fault: stopping ${component}`);
      faultActive = true;
      faultWindows++;
      await stack("stop", component);
      await new Promise((resolve) => setTimeout(resolve, Math.min(3000, total * 0.1)));
      log(`fault: starting ${component} again`);
      await stack("start");
      faultActive = false;
      lastFaultEnd = performance.now();
    }
  }

  const faultRun = options.faults ? faults().finally(() => faultsDone = true) : Promise.resolve();
  log(
    `running ${options.seconds} s of load with ${users.length} users${
      options.faults ? " and faults" : ""
    }`,
  );
  await Promise.all(users.map(async (user, i) => {
    let n = i * 1_000_000;
    while (loadGoesOn()) {
      await act(user, n++);
    }
  }));
  await faultRun;
  // Recovery without a restart of the function: successes after the last fault ended.
  const okAfterLastFault =
    sent.filter((s) => s.result.status >= 200 && s.result.status < 300 && s.endedAt > lastFaultEnd)
      .length;

  log("checking every response against the database");
  const userIds = users.map((u) => u.id);
  const stored = await db.sql<{ user_id: string; event_id: string; copies: number }[]>`
    select user_id, event_id::text, count(*)::int as copies
    from public.analytics_events
    where user_id = any(${userIds}::uuid[])
    group by user_id, event_id`;
  const storedCount = new Map(stored.map((r) => [`${r.user_id}/${r.event_id}`, r.copies]));
  const [{ foreign }] = await db.sql<{ foreign: number }[]>`
    select count(*)::int as foreign
    from public.analytics_events e
    join public.jobs j on j.id = e.job_id
    where j.user_id <> e.user_id`;

  const ackedKeys = new Set<string>();
  for (const [userId, events] of acked) {
    for (const e of events) ackedKeys.add(`${userId}/${e.event_id}`);
  }
  let ackedMissing = 0;
  let ackedStoredTwice = 0;
  for (const key of ackedKeys) {
    const copies = storedCount.get(key) ?? 0;
    if (copies === 0) ackedMissing++;
    if (copies > 1) ackedStoredTwice++;
  }
  let rejectedButStored = 0;
  let partialBatches = 0;
  const unexpected: string[] = [];
  const byKind: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  let serverErrors = 0;
  let unavailable = 0;
  let unavailableWithoutRetryAfter = 0;
  let slowestUnavailableMs = 0;
  for (const s of sent) {
    byKind[s.kind] = (byKind[s.kind] ?? 0) + 1;
    byStatus[s.result.status] = (byStatus[s.result.status] ?? 0) + 1;
    const status = s.result.status;
    const viaFunction = s.kind !== "cross_user_rest";
    const storedHere = s.eventIds.filter((id) => storedCount.has(`${s.user.id}/${id}`)).length;
    if (status >= 400 && status < 500 && !["retry", "concurrent_duplicate"].includes(s.kind)) {
      rejectedButStored += storedHere;
    }
    if ((status >= 500 || status === 0) && storedHere !== 0 && storedHere !== s.eventIds.length) {
      partialBatches++;
    }
    if (viaFunction && status === 503) {
      unavailable++;
      if (!s.result.retryAfter) unavailableWithoutRetryAfter++;
      slowestUnavailableMs = Math.max(slowestUnavailableMs, s.result.ms);
    }
    if (viaFunction && (status >= 500 || status === 0) && status !== 503) serverErrors++;
    const faultTolerated = s.duringFault && (status === 503 || (!viaFunction && status === 502));
    if (!EXPECTED[s.kind].includes(status) && !faultTolerated) {
      unexpected.push(`${s.kind} → ${status}: ${s.result.body.slice(0, 200)}`);
    }
  }
  const latencies = sent.map((s) => s.result.ms);
  if (!fixtures) await db.close();
  return {
    requests: sent.length,
    byKind,
    byStatus,
    eventsAcked: ackedKeys.size,
    eventsStored: stored.length,
    ackedMissing,
    ackedStoredTwice,
    rejectedButStored,
    partialBatches,
    foreignRows: foreign,
    serverErrors,
    unavailable,
    unavailableWithoutRetryAfter,
    slowestUnavailableMs,
    unexpected,
    okAfterLastFault,
    faultWindows,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
  };
}

export function formatReport(report: SoakReport): string {
  const rows: [string, string | number][] = [
    ["requests", report.requests],
    ["events acknowledged (2xx)", report.eventsAcked],
    ["events stored", report.eventsStored],
    ["acknowledged but missing", report.ackedMissing],
    ["stored more than once", report.ackedStoredTwice],
    ["rejected (4xx) but stored", report.rejectedButStored],
    ["batches stored partially", report.partialBatches],
    ["rows tying a user to another's job", report.foreignRows],
    ["function 5xx other than 503", report.serverErrors],
    ["function 503 (during faults)", report.unavailable],
    ["503 without Retry-After", report.unavailableWithoutRetryAfter],
    ["slowest 503 (ms)", report.slowestUnavailableMs.toFixed(0)],
    ["unexpected statuses", report.unexpected.length],
    ["fault windows", report.faultWindows],
    ["2xx after the last fault", report.okAfterLastFault],
    ["latency p50 / p99 (ms)", `${report.p50Ms.toFixed(1)} / ${report.p99Ms.toFixed(1)}`],
    ["requests by kind", JSON.stringify(report.byKind)],
    ["responses by status", JSON.stringify(report.byStatus)],
  ];
  return ["| measure | value |", "| --- | --- |", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join(
    "\n",
  );
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "60" },
      users: { type: "string", default: "16" },
      "max-requests": { type: "string", default: "200000" },
      faults: { type: "boolean", default: false },
    },
  });
  const report = await runSoak({
    seconds: Number(values.seconds),
    users: Number(values.users),
    maxRequests: Number(values["max-requests"]),
    faults: values.faults,
  });
  console.log(formatReport(report));
  for (const line of report.unexpected.slice(0, 20)) console.log(`unexpected: ${line}`);
  const clean = report.ackedMissing + report.ackedStoredTwice + report.rejectedButStored +
      report.partialBatches + report.foreignRows + report.serverErrors +
      report.unavailableWithoutRetryAfter + report.unexpected.length === 0;
  Deno.exit(clean ? 0 : 1);
}
