/**
 * Building blocks shared by the benchmark and the soak: simulated users with their own jobs and
 * tokens, event bodies with fresh idempotency keys, timed requests and latency percentiles.
 *
 * @example
 * ```ts
 * const users = await makeUsers(db, 8);
 * const result = await timedPost(url, headersFor(env, users[0]), JSON.stringify(batch(users[0], 100)));
 * ```
 */
import type { TablesInsert } from "../../supabase/functions/_shared/database.types.ts";
import type { Fixtures, TestUser } from "../../tests/support/fixtures.ts";
import type { StackEnv } from "../../tests/support/stack_env.ts";

export interface SimUser extends TestUser {
  jobs: string[];
}

export interface Timed {
  status: number;
  ms: number;
  body: string;
  retryAfter: string | null;
}

/** Creates `count` users, each with `jobsEach` jobs of their own. */
export async function makeUsers(db: Fixtures, count: number, jobsEach = 2): Promise<SimUser[]> {
  const users: SimUser[] = [];
  for (let i = 0; i < count; i++) {
    const user = await db.createUser(`sim${i}`);
    const jobs = [];
    for (let j = 0; j < jobsEach; j++) jobs.push(await db.createJob(user.id));
    users.push({ ...user, jobs });
  }
  return users;
}

/**
 * An ingest limit far above anything a load run sends: the bench measures the limiter's cost, and
 * the soak delivery, never their refusals. The limiter itself still runs for these users.
 */
export const UNLIMITED_INGEST = { eventsPerSecond: 1e9, burst: 1_000_000 };

/** Gives each user {@link UNLIMITED_INGEST} as their override in private.ingest_limits. */
export async function liftIngestLimits(db: Fixtures, users: readonly TestUser[]): Promise<void> {
  for (const user of users) await db.setIngestLimit(user.id, UNLIMITED_INGEST);
}

type EventInsert = TablesInsert<"analytics_events">;

/**
 * One event as the load sends it: to the function, or straight to PostgREST as an
 * `analytics_events` row. The generated insert type, with the columns the load always sets.
 */
export type EventBody =
  & Required<Pick<EventInsert, "event" | "event_id" | "job_id" | "properties">>
  & { stage: NonNullable<EventInsert["stage"]> };

/** One event with a fresh idempotency key, on one of the user's jobs or on `job`. */
export function makeEvent(user: SimUser, n: number, job?: string | null): EventBody {
  return {
    event: n % 2 ? "stage_completed" : "stage_started",
    event_id: crypto.randomUUID(),
    job_id: job === undefined ? user.jobs[n % user.jobs.length] : job,
    stage: `stage_${n % 5}`,
    properties: { n, screen: "home", build: "1.2.3" },
  };
}

export function makeBatch(user: SimUser, size: number): EventBody[] {
  return Array.from({ length: size }, (_, i) => makeEvent(user, i));
}

export function headersFor(env: StackEnv, token: string, extra: Record<string, string> = {}) {
  return {
    apikey: env.anonKey,
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
    ...extra,
  };
}

/** POSTs and measures the full round trip, body included; a network failure is status 0. */
export async function timedPost(
  url: string,
  headers: Record<string, string>,
  body: BodyInit,
  timeoutMs = 30_000,
): Promise<Timed> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return {
      status: response.status,
      ms: performance.now() - started,
      body: text,
      retryAfter: response.headers.get("retry-after"),
    };
  } catch {
    return { status: 0, ms: performance.now() - started, body: "", retryAfter: null };
  }
}

/** The q-quantile (0..1) of `values`, nearest-rank; NaN for an empty list. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/**
 * The order in which round `round` of an interleaved benchmark visits its arms: rotated by one
 * each round and turned around every `arms.length` rounds (on off, off on, off on, on off, ... with
 * two arms), so that no arm always runs first or last and each shares what else the machine does.
 */
export function roundOrder<T>(arms: T[], round: number): T[] {
  const turn = round % arms.length;
  const order = [...arms.slice(turn), ...arms.slice(0, turn)];
  return Math.floor(round / arms.length) % 2 === 1 ? order.reverse() : order;
}

/**
 * One arm's timings as the rollups benchmark reads them (scripts/lib/bench_rollups.sh):
 * `arm timing samples p10 p50 mean`, in milliseconds.
 */
export function timingLine(arm: string, timing: string, samples: number[]): string {
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return [arm, timing, samples.length, quantile(samples, 0.1), quantile(samples, 0.5), mean]
    .map((v) => typeof v === "number" && !Number.isInteger(v) ? v.toFixed(3) : String(v))
    .join(" ");
}

/**
 * Reads a /proc/<pid>/status field in kB (VmRSS, VmHWM), or NaN when unreadable. Deno guards
 * /proc/<pid> behind --allow-all, so a `cat` subprocess reads it under --allow-run=cat instead.
 */
export async function procStatusKb(pid: number, field: "VmRSS" | "VmHWM"): Promise<number> {
  try {
    const output = await new Deno.Command("cat", { args: [`/proc/${pid}/status`] }).output();
    const status = new TextDecoder().decode(output.stdout);
    const match = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    return match ? Number(match[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** Resets the kernel's peak-RSS counter (VmHWM) of `pid`; false when not permitted. */
export async function resetPeakRss(pid: number): Promise<boolean> {
  const output = await new Deno.Command("sh", {
    args: ["-c", `echo 5 > /proc/${pid}/clear_refs`],
    stderr: "null",
  }).output();
  return output.success;
}

/** CPU time (user + system, in ms) used so far by each pid, grouped by component name. */
export type CpuSample = Record<string, Map<number, number>>;

/** Samples the CPU time of every pid in `pids`, read from /proc/<pid>/stat. */
export async function sampleCpu(pids: Record<string, number[]>): Promise<CpuSample> {
  const msPerTick = 1000 / 100; // USER_HZ is 100 on Linux.
  const all = Object.values(pids).flat();
  const output = await new Deno.Command("cat", {
    args: all.map((pid) => `/proc/${pid}/stat`),
    stderr: "null",
  }).output();
  const ticks = new Map<number, number>();
  for (const line of new TextDecoder().decode(output.stdout).split("\n")) {
    // The command name may contain spaces, so fields are counted after its closing parenthesis.
    const close = line.lastIndexOf(")");
    if (close < 0) continue;
    const fields = line.slice(close + 2).split(" ");
    ticks.set(Number(line.slice(0, line.indexOf(" "))), Number(fields[11]) + Number(fields[12]));
  }
  return Object.fromEntries(
    Object.entries(pids).map(([name, list]) => [
      name,
      new Map(
        list.filter((pid) => ticks.has(pid)).map((pid) => [pid, ticks.get(pid)! * msPerTick]),
      ),
    ]),
  );
}

/**
 * CPU ms used between two samples, by component. A process that appeared in between (a new
 * Postgres backend) counts in full; one that exited in between is lost, which undercounts.
 */
export function cpuBetween(before: CpuSample, after: CpuSample): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([name, pids]) => {
      let used = 0;
      for (const [pid, ms] of pids) used += ms - (before[name]?.get(pid) ?? 0);
      return [name, used];
    }),
  );
}

/**
 * The pids of the stack's processes, of the Postgres server's processes, and of this load
 * generator (`client`), by component.
 */
export async function stackPids(runDir: URL): Promise<Record<string, number[]>> {
  const read = async (
    name: string,
  ) => [Number((await Deno.readTextFile(new URL(`${name}.pid`, runDir))).trim())];
  // This stack's server and its children only: other clusters on the machine are not ours.
  const postmaster = Number(
    (await Deno.readTextFile(new URL("../postgres/data/postmaster.pid", runDir))).split("\n")[0],
  );
  const pgrep = await new Deno.Command("pgrep", { args: ["-P", String(postmaster)] }).output();
  const children = new TextDecoder().decode(pgrep.stdout).split("\n").filter(Boolean).map(Number);
  const postgres = [postmaster, ...children];
  return {
    client: [Deno.pid],
    gateway: await read("gateway"),
    function: await read("functions"),
    postgrest: await read("postgrest"),
    postgres,
  };
}
