// Generated from spec/core-terminal.yaml by `skyport codegen` (template typescript_client/index.ts.jinja).
// Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
// Generated, do not edit: change the spec or the template, then run `skyport codegen`.
/**
 * Skyport core terminal API
 *
 * The API the core daemon serves to terminals (the skyport CLI, the Python client, a
 * JupyterHub spawner, curl). It is a superset of Sky Port's user API: the `/user/...` paths,
 * field names and state letters are Sky Port's, so Sky Port's terminals work unchanged.
 *
 * Every request needs a client certificate issued by the daemon's CA (mutual TLS), whose
 * common name is the user, or an API token (`skyport token create`; tag `tokens`) sent as
 * `Authorization: Bearer TOKEN` or as the password of HTTP basic auth (any user name): the token's
 * user is then the user. A request with a certificate is the certificate's, whatever else it
 * sends; one with neither, or with a token that is unknown, revoked or expired, is a 401 with a
 * `WWW-Authenticate` challenge. A token acts for its user only: it creates no tokens, and sending
 * `X-Skyport-User` naming anyone else is a 403. A delegate's certificate (a JupyterHub, say; `skyport
 * user add hub --acts-for bob`) acts for the users it names: each request names one in
 * the header `X-Skyport-User` and is then that user's in every respect; naming anyone else, or
 * sending the header with another kind of certificate, is a 403. A user sees and changes only
 * their own jobs: another user's job answers 404, as an unknown one does. The web dashboard
 * (`skyport ui`, under `/ui/`, not in this spec) calls this API with the session cookie
 * `skyport_session` of a one-time login code (`create_login_code`): as that user, without
 * `X-Skyport-User`, and for methods other than GET, HEAD and OPTIONS only with an `Origin` header
 * naming the daemon's own address (403 otherwise).
 *
 * Job states: Q queued, W waiting for resources, R running, T transferring files,
 * F finished, E error, C cancelled.
 */

/**
 * Whose budget it is.
 */
export type BudgetHolder = "account" | "user";

/**
 * Whether the file was uploaded with the job or produced by it.
 */
export type FileInfoKind = "input" | "output";

/**
 * submitted - the job was stored in Q; state - it went from previous_state to state; reason -
 * a queued job's reason for waiting (or when it starts) changed, as the scheduler found it
 * (state and previous_state are both Q). A reason event is recorded only when the reason changes.
 *
 */
export type JobEventKind = "submitted" | "state" | "reason";

/**
 * Q queued, W waiting for resources, R running, T transferring files, F finished, E error, C cancelled.
 */
export type JobState = "R" | "Q" | "W" | "F" | "E" | "T" | "C";

/**
 * The values of ModifyJobModification.
 */
export type ModifyJobModification = "requeue";

/**
 * Node allocation state.
 */
export type NodeStateAlloc = "idle" | "stopped" | "offline" | "busy" | "maint";

/**
 * Node power state.
 */
export type NodeStatePower = "up" | "down";

/**
 * How often a budget starts again (UTC): day, week (from Monday), month (from the 1st), or total (never).
 */
export type Period = "day" | "week" | "month" | "total";

/**
 * The values of SetBudgetHolder.
 */
export type SetBudgetHolder = "account" | "user";

/**
 * The values of UsageTotalsBy.
 */
export type UsageTotalsBy = "user" | "account" | "site" | "day";

/**
 * The values of UsageTotalsSplit.
 */
export type UsageTotalsSplit = "user" | "account" | "site" | "day";

/**
 * An account jobs are charged to.
 */
export interface Account {
  /** A name of letters, digits, '.', '_' or '-'. */
  name: string;
  /** Users who may charge the account (a user may always charge the account of their own name). */
  members?: Array<string>;
  /** Price ceiling per hour for a job charged here that gives no `#SWM max-price`. */
  job_ceiling?: number;
}

/**
 * A change to an account; what is not given stays as it is.
 */
export interface AccountChange {
  /** Users who may charge the account from now on. */
  add_members?: Array<string>;
  /** Users who may no longer charge it. */
  remove_members?: Array<string>;
  /** Price ceiling per hour for its jobs that give none; 0 removes it. */
  job_ceiling?: number;
}

/**
 * An API token as its user sees it; never the token itself.
 */
export interface ApiToken {
  /** The token's ID, to revoke it by. */
  id: string;
  /** The name given at creation, or empty. */
  name: string;
  /** The created. */
  created: string;
  /** The expires. */
  expires: string;
  /** When a request last came with it (to the minute), null before. */
  last_used?: string;
}

/**
 * A budget and what was spent of it in the current period.
 */
export interface Budget {
  /** Whose budget it is. */
  holder: BudgetHolder;
  /** The account's or the user's name. */
  name: string;
  /** How often a budget starts again (UTC): day, week (from Monday), month (from the 1st), or total (never). */
  period: Period;
  /** The most that may be spent per period. */
  amount: number;
  /** Recorded cost of the jobs that ended in this period plus the cost so far of running ones. */
  spent: number;
  /** What is left this period. */
  left: number;
  /** When the next period starts (not for a total budget). */
  resets_at?: string;
}

/**
 * The amount of a budget.
 */
export interface BudgetAmount {
  /** The most that may be spent per period, in the sites' currency; 0 removes the budget. */
  amount: number;
}

/**
 * What the scheduler would do with a job submitted now.
 */
export interface DryRun {
  /** Whether it would start now or hold a place (on existing nodes or a new partition). */
  placed: boolean;
  /** When it would start (an estimate when not placed). */
  start_time?: string;
  /** The site it would run on. */
  remote_name?: string;
  /** The flavor of its nodes. */
  flavor_name?: string;
  /** Nodes of a new partition created for it. */
  new_nodes?: number;
  /** Price per node-hour x nodes x time limit on the planned nodes (what budgets are charged); when not placed, on the cheapest flavor that holds it. */
  worst_case_cost: number;
  /** The scheduler's reason, as `skyport show` would give it. */
  reason: string;
  /** The budgets the job would draw on. */
  budgets: Array<DryRunBudget>;
  /** Every allowed flavor that could hold the job as a new partition, and every existing partition that could hold it, cheapest first.  */
  alternatives: Array<DryRunOption>;
  /** What it is likely to cost: the worst case x the median ratio of run time to time limit of the user's last ended jobs (at most 100); the worst case when none has ended yet.  */
  expected_cost?: number;
  /** How expected_cost was estimated, in words. */
  expected_basis?: string;
  /** For a job array, its number of tasks (the plan is its first task's). */
  array_tasks?: number;
  /** For a job array with a throttle (%N), how many of its tasks may run at once. */
  array_throttle?: number;
  /** For a job array, the waves its tasks run in: ceil(tasks / places), the places being those the scheduler gives its first wave now (as many tasks as its throttle %N lets run at once, all of them without one, at most 1,000), starting or holding a reservation, each running its tasks one after another.  */
  array_waves?: number;
  /** For a job array, the worst case of all its tasks, each on the place its wave plans for it. */
  array_worst_case_cost?: number;
  /** For a job array, the expected cost of all its tasks (the worst case x the ratio of expected_cost). */
  array_expected_cost?: number;
  /** For a job array, when its last task would end at the latest: each task running its whole time limit, wave after wave. Absent when no task of its first wave has a planned start.  */
  array_end_time?: string;
  /** For a job array, when its last task would end with each task running the expected time. */
  array_expected_end_time?: string;
}

/**
 * A budget a job would draw on, and what it has left for jobs to start.
 */
export interface DryRunBudget {
  /** `account physics`, `user alice`. */
  name: string;
  /** `this month`, `in total`, ... */
  period?: string;
  /** Amount less spend less the worst case still to come of its running jobs. */
  left: number;
}

/**
 * A flavor that could hold the job as a new partition, or an existing partition that could.
 */
export interface DryRunOption {
  /** Site. */
  remote_name: string;
  /** Flavor. */
  flavor_name: string;
  /** Price per hour for the job's nodes. */
  price: number;
  /** Price per hour x time limit. */
  worst_case_cost: number;
  /** When a new partition of it would be ready, if created now (the site's boot time); for an existing partition, when enough of its nodes have room for the job as its running jobs end at their time limits (queued jobs not counted).  */
  ready_at?: string;
  /** The existing partition this option runs the job on; absent for a new partition. */
  partition_id?: string;
  /** Whether this is where the scheduler would run it. */
  planned?: boolean;
  /** Whether its worst case is less than that of the plan. */
  cheaper?: boolean;
  /** Whether it is ready before the plan would start the job (or the plan has no start). */
  sooner?: boolean;
}

/**
 * One file of a job (an input staged in or an output staged back).
 */
export interface FileInfo {
  /** File name, relative to the job's work directory. */
  name: string;
  /** Size in bytes. */
  size: number;
  /** Whether the file was uploaded with the job or produced by it. */
  kind?: FileInfoKind;
}

/**
 * A node shape a remote site offers, with its price per node-hour.
 */
export interface Flavor {
  /** Flavor ID, stable for a site and flavor name (set by the core). */
  id?: string;
  /** Flavor name as the site knows it (an EC2 instance type, a Slurm partition). */
  name: string;
  /** ID of the remote site offering this flavor (set by the core). */
  remote_id?: string;
  /** Resources one node of this flavor provides. */
  resources?: Array<Resource>;
  /** Price of one node of this flavor per hour, in US dollars. */
  price?: number;
  /** CPUs of one node. */
  cpus?: number;
  /** Memory of one node in MiB. */
  mem?: number;
  /** GPUs of one node. */
  gpus?: number;
  /** Disk one node gives a job, in MiB (a job's `#SWM storage 20G` must fit it). Absent or 0: none known, and no job that asks for disk runs there.  */
  storage?: number;
  /** GPU model name, when the node has GPUs. */
  gpu_model?: string;
  /** CPU architecture (x86_64, arm64). */
  arch?: string;
}

/**
 * What a node boots or a job runs in (an AMI, a container image, or "host").
 */
export interface Image {
  /** Image ID, stable for a site and image name (set by the core). */
  id?: string;
  /** Image name as the site knows it. */
  name: string;
  /** ID of the remote site offering this image (set by the core). */
  remote_id?: string;
  /** Image kind (host, ami, container). */
  kind?: string;
  /** Free text about the image. */
  comment?: string;
}

/**
 * How the site keeps a job from other jobs, the gate and the machine.
 */
export interface Isolation {
  /** What a job runs in: `bubblewrap` (own namespaces, the system read-only, nothing of the gate's files), `none` (the operator's explicit choice), `unavailable` (the gate starts no job until fixed; `details` says how), or a gate's own word (`vm`, `slurm`).  */
  sandbox?: string;
  /** What enforces CPU, memory and process limits: `cgroup-v2` or `cgroup-v1` (the job cannot undo them), `rlimits` (affinity and address-space limits a job can undo), or a gate's own word.  */
  limits?: string;
  /** Whose Unix account a job runs as, `owner` (its user's) or `gate-user` (the gate's). */
  run_as?: string;
  /** What is missing, in words an operator can act on. */
  details?: string;
}

/**
 * A job known to the core.
 */
export interface Job {
  /** Job ID. */
  id?: string;
  /** Job name. */
  name?: string;
  /** Q queued, W waiting for resources, R running, T transferring files, F finished, E error, C cancelled. */
  state?: JobState;
  /** Why the job is in its state. */
  state_details?: string;
  /** When the job was accepted. */
  submit_time?: string;
  /** When the job started running. */
  start_time?: string;
  /** When the job ended. */
  end_time?: string;
  /** Run time in seconds. */
  duration?: number;
  /** Exit code, when the job exited by itself. */
  exitcode?: number;
  /** Signal number, when the job was killed by a signal. */
  signal?: number;
  /** Host names of the nodes allocated to the job. */
  node_names?: Array<string>;
  /** IP addresses of the nodes allocated to the job. */
  node_ips?: Array<string>;
  /** ID of the remote site the job runs or ran on. */
  remote_id?: string;
  /** ID of the flavor of the job's nodes. */
  flavor_id?: string;
  /** Resources the job asked for (per node, and nodes). */
  request?: Array<Resource>;
  /** Resources actually allocated. */
  resources?: Array<Resource>;
  /** A comment from the job script. */
  comment?: string;
  /** User who submitted the job (the client certificate's common name). */
  owner?: string;
  /** The account the job is charged to (its owner's own unless the script or submit named one). */
  account?: string;
  /** Explicit priority from the job script; higher runs first. */
  priority?: number;
  /** Work directory asked for by the job script. */
  workdir?: string;
  /** Time limit in seconds; 0 means none. */
  time_limit?: number;
  /** Names of the input files staged in. */
  input_files?: Array<string>;
  /** Names of the output files the job declares. */
  output_files?: Array<string>;
  /** Name of the remote site the job runs or ran on. */
  remote_name?: string;
  /** Name of the flavor of the job's nodes. */
  flavor_name?: string;
  /** When the scheduler plans to start the pending job. */
  planned_start_time?: string;
  /** Where the scheduler plans to run the pending job, in words. */
  placement?: string;
  /** Cost the scheduler expects, in US dollars. */
  estimated_cost?: number;
  /** Cost of the job's run so far, in US dollars. */
  cost?: number;
  /** The job array this job is a task of. */
  array_id?: string;
  /** The task's ID in its array (`SKYPORT_ARRAY_TASK_ID` in its environment). */
  array_task_id?: number;
  /** The array's task IDs and throttle as the script gave them (`1-100%10`). */
  array?: string;
  /** `#SBATCH` options of the script that Skyport does not read, as written. */
  ignored_directives?: Array<string>;
  /** File name `skyport fetch` writes standard output to (`#SBATCH -o`, patterns expanded); absent: `<job ID>.out`. */
  stdout_file?: string;
  /** File name `skyport fetch` writes standard error to (`#SBATCH -e`, else `-o`'s); absent: `<job ID>.err`. */
  stderr_file?: string;
}

/**
 * One event of a job - its submission or a change of its state - the data of one Server-Sent Event.
 */
export interface JobEvent {
  /** The event's ID (also the Server-Sent Event's id); IDs increase. */
  id: number;
  /** submitted - the job was stored in Q; state - it went from previous_state to state; reason - a queued job's reason for waiting (or when it starts) changed, as the scheduler found it (state and previous_state are both Q). A reason event is recorded only when the reason changes.  */
  kind: JobEventKind;
  /** Job ID. */
  job_id: string;
  /** The job's owner. */
  owner: string;
  /** Job name. */
  name?: string;
  /** When it happened. */
  time: string;
  /** Q queued, W waiting for resources, R running, T transferring files, F finished, E error, C cancelled. */
  state: JobState;
  /** Q queued, W waiting for resources, R running, T transferring files, F finished, E error, C cancelled. */
  previous_state?: JobState;
  /** Why, in the words of the job's state_details. */
  reason: string;
  /** Where the job was placed (on W and R). */
  site?: string;
  /** The partition it was placed on (on W and R). */
  partition_id?: string;
  /** The partition's flavor (on W and R). */
  flavor?: string;
  /** The flavor's price per node-hour (on W and R). */
  price?: number;
  /** What the run cost (once ended). */
  cost?: number;
  /** The job's exit status (once ended, when it ran). */
  exitcode?: number;
  /** The signal that killed it, if one did. */
  signal?: number;
  /** The output files staged back (on F or E after T). */
  outputs?: Array<string>;
  /** The job array the job is a task of. */
  array_id?: string;
  /** Its task ID in that array. */
  array_task_id?: number;
}

/**
 * A one-time login code of the web dashboard.
 */
export interface LoginCode {
  /** The code; it opens one browser session, once. */
  code: string;
  /** The path on the daemon's address that exchanges the code (`/ui/login?code=...`). */
  path: string;
  /** When the code stops working if unused. */
  expires: string;
}

/**
 * A token just created, with the token itself, shown only this once.
 */
export interface NewApiToken {
  /** The token's ID, to revoke it by. */
  id: string;
  /** The name given, or empty. */
  name: string;
  /** The created. */
  created: string;
  /** The expires. */
  expires: string;
  /** The token; send it as `Authorization: Bearer TOKEN`. Shown only this once. */
  token: string;
}

/**
 * A node of a partition the core created.
 */
export interface Node {
  /** Node ID. */
  id?: string;
  /** Node name. */
  name?: string;
  /** Node host name. */
  host?: string;
  /** Unused; kept for Sky Port compatibility. */
  api_port?: number;
  /** Node power state. */
  state_power?: NodeStatePower;
  /** Node allocation state. */
  state_alloc?: NodeStateAlloc;
  /** Resources the node provides. */
  resources?: Array<Resource>;
  /** Roles assigned to the node. */
  roles?: Array<NodeRole>;
  /** Node IP address. */
  ip?: string;
  /** Remote site of the node. */
  remote_name?: string;
  /** Flavor of the node. */
  flavor_name?: string;
  /** Partition the node belongs to. */
  partition_id?: string;
}

/**
 * A node role.
 */
export interface NodeRole {
  /** The id. */
  id?: string;
  /** The name. */
  name?: string;
  /** The comment. */
  comment?: string;
}

/**
 * Where and when the scheduler plans to run one pending job.
 */
export interface Placement {
  /** Job ID. */
  job_id: string;
  /** Job name. */
  job_name?: string;
  /** Whether the scheduler found a place for the job. */
  placed: boolean;
  /** Planned start. */
  start_time?: string;
  /** Remote site of the placement. */
  remote_name?: string;
  /** Flavor of the nodes. */
  flavor_name?: string;
  /** Existing nodes the job is planned on. */
  node_names?: Array<string>;
  /** Number of nodes of a new partition the job needs. */
  new_nodes?: number;
  /** Expected cost in US dollars. */
  estimated_cost?: number;
  /** Why the job is placed where it is, or why it cannot be placed. */
  reason?: string;
}

/**
 * What went wrong and what to change, as RFC 9457 problem details.
 */
export interface Problem {
  /** URI naming the kind of problem; "about:blank" when the title says it all. */
  type?: string;
  /** Short summary of the kind of problem, the same for every occurrence. */
  title: string;
  /** The HTTP status code of this response. */
  status: number;
  /** What happened in this case and what to fix. */
  detail?: string;
  /** The request path the problem occurred on. */
  instance?: string;
}

/**
 * A configured remote site.
 */
export interface RemoteSite {
  /** Remote site ID, stable for a site name. */
  id?: string;
  /** Remote site name in the daemon's config. */
  name?: string;
  /** Account ID. */
  account_id?: string;
  /** Host of the site's gate. */
  server?: string;
  /** Port of the site's gate. */
  port?: number;
  /** Gate kind (local, aws, slurm, ...). */
  kind?: string;
  /** ID of the site's default image. */
  default_image_id?: string;
  /** ID of the site's default flavor. */
  default_flavor_id?: string;
  /** Total cost of jobs run on this site, in US dollars. */
  spend?: number;
  /** Whether the site's gate answers, and if not why. */
  state_details?: string;
  /** How the site keeps a job from other jobs, the gate and the machine. */
  isolation?: Isolation;
}

/**
 * An amount of one resource, such as cpus=4 or mem=2048 (MiB).
 */
export interface Resource {
  /** Resource name (cpus, mem, gpus, nodes, storage, time). */
  name: string;
  /** How many; mem and storage are in MiB, time in seconds. */
  count?: number;
}

/**
 * What a new token is called and how long it lives.
 */
export interface TokenRequest {
  /** A token's name (or ID) of letters, digits, '.', '_' or '-'. */
  name?: string;
  /** Seconds until the token expires, from 60 to 365 days (default 90 days). */
  expires_in?: number;
}

/**
 * One ended job, as accounting shows it.
 */
export interface UsageRecord {
  /** Job ID. */
  id: string;
  /** Job name. */
  name?: string;
  /** Who submitted it. */
  user: string;
  /** The account it was charged to. */
  account: string;
  /** Q queued, W waiting for resources, R running, T transferring files, F finished, E error, C cancelled. */
  state: JobState;
  /** Remote site it ran on. */
  site?: string;
  /** Flavor of its nodes. */
  flavor?: string;
  /** Number of nodes. */
  nodes?: number;
  /** CPUs per node. */
  cpus?: number;
  /** When it was submitted. */
  submit_time: string;
  /** When it started. */
  start_time?: string;
  /** When it ended. */
  end_time?: string;
  /** Seconds it ran. */
  elapsed?: number;
  /** CPU seconds allocated (cpus x nodes x elapsed). */
  cpu_time?: number;
  /** Largest resident memory in bytes, where the site measured it; absent when unknown. */
  max_rss?: number;
  /** What it cost (price per node-hour x nodes x hours run). */
  cost?: number;
}

/**
 * Totals of the ended jobs, and idle partitions, of one user, account, site or day (and one split key).
 */
export interface UsageTotal {
  /** The user, account, site or day (YYYY-MM-DD, UTC). */
  key: string;
  /** With `split`, the user, account, site or day within the key that this total is of. */
  split_key?: string;
  /** Number of jobs. */
  jobs: number;
  /** Seconds run, summed. */
  elapsed: number;
  /** CPU seconds allocated, summed. */
  cpu_time: number;
  /** Cost, summed, with the idle time of partitions charged here. */
  cost: number;
  /** Of the cost, what partitions cost while idle (between jobs and before deletion), charged to the account and user of the job each was created for.  */
  idle_cost?: number;
}

/** An error answer; `problem` is its RFC 9457 problem+json body. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Record<string, unknown>;

  constructor(status: number, problem: Record<string, unknown>) {
    super(`HTTP ${status} ${String(problem.title ?? "")}: ${String(problem.detail ?? "")}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }

  /** Short summary of the kind of problem. */
  get title(): string {
    return String(this.problem.title ?? "");
  }

  /** What happened in this case and what to fix. */
  get detail(): string {
    return String(this.problem.detail ?? "");
  }
}

/** Where the server is; `fetch` can be replaced (a mutual-TLS agent in Node, a test double). */
export interface ClientOptions {
  baseUrl: string;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** The user a delegate acts for; only a delegate's certificate naming that user may send it. Sent as the header `X-Skyport-User`. */
  actsFor?: string;
  /** An API token (`skyport token create`), instead of a user certificate. Sent as the header `Authorization`, after `Bearer`. */
  token?: string;
}

type Scalar = string | number | boolean;
type Part = readonly [string, Blob | Scalar | undefined, string?];

interface RequestBody {
  json?: unknown;
  bytes?: Blob;
  form?: ReadonlyArray<Part>;
}

/** The client every operation function takes. */
export class Client {
  readonly options: ClientOptions;

  constructor(options: ClientOptions) {
    this.options = options;
  }

  /** Send one request; used by the operation functions. */
  async request(
    method: string,
    path: string,
    query: Record<string, Scalar | ReadonlyArray<Scalar> | undefined>,
    headers: Record<string, Scalar | undefined>,
    body?: RequestBody,
  ): Promise<Response> {
    const url = new URL(this.options.baseUrl.replace(/\/$/, "") + path);
    for (const [key, value] of Object.entries(query)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined) url.searchParams.append(key, String(item));
      }
    }
    const sent: Record<string, string> = { ...this.options.headers };
    if (this.options.actsFor !== undefined) sent["X-Skyport-User"] = this.options.actsFor;
    if (this.options.token !== undefined) sent["Authorization"] = "Bearer " + this.options.token;
    for (const [key, value] of Object.entries(headers)) {
      if (value !== undefined) sent[key] = String(value);
    }
    let payload: BodyInit | undefined;
    if (body?.json !== undefined) {
      sent["content-type"] = "application/json";
      payload = JSON.stringify(body.json);
    } else if (body?.bytes !== undefined) {
      sent["content-type"] = "application/octet-stream";
      payload = body.bytes;
    } else if (body?.form !== undefined) {
      const form = new FormData();
      for (const [field, value, filename] of body.form) {
        if (value instanceof Blob) form.append(field, value, filename ?? field);
        else if (value !== undefined) form.append(field, String(value));
      }
      payload = form;
    }
    return (this.options.fetch ?? fetch)(url, { method, headers: sent, body: payload });
  }
}

async function fail(response: Response): Promise<never> {
  const text = await response.text();
  let problem: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    problem = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : { detail: text };
  } catch {
    problem = { title: response.statusText, status: response.status, detail: text.slice(0, 1000) };
  }
  throw new ApiError(response.status, problem);
}

/** One event of a `text/event-stream` answer: its type, its data, and the last event ID the stream set. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id: string;
}

/** What a stream's own lines set: the last event ID (also on lines of no event) and the reconnection time. */
export interface StreamState {
  id: string;
  retryMs: number;
}

/**
 * The events of a `text/event-stream` answer as they arrive, read as the HTML standard says
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html); comments (heartbeats) are skipped.
 */
export async function* serverSentEvents(
  response: Response,
  state: StreamState = { id: "", retryMs: 1000 },
): AsyncGenerator<ServerSentEvent> {
  if (response.body === null) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let data: string[] = [];
  let event = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value;
      const cut = buffer.endsWith("\r") ? buffer.length - 1 : buffer.length; // "\r\n" may be split
      const lines = buffer.slice(0, cut).split(/\r\n|\r|\n/);
      buffer = (lines.pop() ?? "") + buffer.slice(cut);
      for (const line of lines) {
        if (line === "") {
          if (data.length > 0) yield { event: event || "message", data: data.join("\n"), id: state.id };
          data = [];
          event = "";
        } else if (!line.startsWith(":")) {
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "data") data.push(value);
          else if (field === "event") event = value;
          else if (field === "id" && !value.includes("\0")) state.id = value;
          else if (field === "retry" && /^\d+$/.test(value)) state.retryMs = Number(value);
        }
      }
    }
  } finally {
    await reader.cancel();
  }
}

/** Tries in a row to reopen a cut event stream before its error is thrown. */
export const STREAM_RETRIES = 5;
const END = "end"; // the type of the event a server ends a stream with for good: no reconnecting
const RETRIED = new Set([429, 502, 503, 504]); // answers to a reconnection worth trying again after
const MAX_DELAY_MS = 30_000;

/**
 * The events of the stream `open` opens (an answer with another status than the stream's is thrown
 * by `open`), opened again after it was cut (a dropped connection, a server restart) from the last
 * event delivered (`Last-Event-ID`), so nothing is missed or repeated: after the stream's `retry:`
 * time, then twice as long before each next try (at most 30 s); after `retries` tries in a row
 * without an event, the last error is thrown. A stream the server ended with an `end` event is over;
 * an error of the first request is thrown at once.
 */
export async function* reconnecting(
  open: (lastEventId: string | undefined) => Promise<Response>,
  retries: number,
): AsyncGenerator<ServerSentEvent> {
  const state: StreamState = { id: "", retryMs: 1000 };
  let opened = false;
  let tries = 0;
  for (;;) {
    let cut: unknown = undefined;
    try {
      const response = await open(state.id || undefined);
      opened = true;
      for await (const event of serverSentEvents(response, state)) {
        tries = 0;
        if (event.event === END) return;
        yield event;
      }
    } catch (error) {
      cut = error;
    }
    const refused = cut instanceof ApiError && !RETRIED.has(cut.status);
    if (!opened || tries >= retries || refused) {
      if (cut !== undefined) throw cut;
      return;
    }
    tries += 1;
    const delay = Math.min(MAX_DELAY_MS, state.retryMs * 2 ** (tries - 1));
    await new Promise((done) => setTimeout(done, delay));
  }
}

/**
 * GET /user/image: List all registered images
 *
 * @returns 200: The images of every configured remote site.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function listImages(client: Client): Promise<Array<Image>> {
  const response = await client.request("GET", `/user/image`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<Image>;
  return fail(response);
}

/**
 * GET /user/remote: List all remote sites
 *
 * @returns 200: The configured remote sites.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function listRemotes(client: Client): Promise<Array<RemoteSite>> {
  const response = await client.request("GET", `/user/remote`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<RemoteSite>;
  return fail(response);
}

/**
 * GET /user/node: List all nodes
 *
 * @returns 200: Nodes of the partitions that exist now.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function listNodes(client: Client): Promise<Array<Node>> {
  const response = await client.request("GET", `/user/node`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<Node>;
  return fail(response);
}

/**
 * GET /user/flavor: List all flavors
 *
 * @returns 200: The flavors of every configured remote site, with prices.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function listFlavors(client: Client): Promise<Array<Flavor>> {
  const response = await client.request("GET", `/user/flavor`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<Flavor>;
  return fail(response);
}

/**
 * GET /user/timetable: The plan for the user's pending jobs
 *
 * For each of the user's pending jobs, where and when the scheduler plans to run it, or why it cannot.
 *
 * @returns 200: One entry per pending job, earliest planned start first.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function getTimetable(client: Client): Promise<Array<Placement>> {
  const response = await client.request("GET", `/user/timetable`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<Placement>;
  return fail(response);
}

/**
 * GET /user/job: List all jobs
 *
 * The user's jobs, newest first, a page at a time: at most `limit` jobs (100 when not given).
 * When more jobs follow, the answer carries a `Link` header with `rel="next"`, the URL of the
 * next page (the same query with `before` set to the last job of this page).
 *
 * @param args.state Only jobs in these states (letters, e.g. `Q,R`).
 * @param args.limit At most this many jobs.
 * @param args.before Only jobs listed after this one (the ID of the last job of the previous page).
 * @param args.name Only jobs of this name.
 * @param args.since Only jobs not ended, or ended at or after this date-time with its time zone
 * (`2026-11-30T12:00:00Z`).
 * @param args.array Only the tasks of this job array (the ID its submission answered).
 * @param args.task With `array`, only the task of this task ID.
 *
 * @returns 200: The jobs.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function listJobs(client: Client, args: { state?: Array<JobState>; limit?: number; before?: string; name?: string; since?: string; array?: string; task?: number; } = {}): Promise<Array<Job>> {
  const response = await client.request("GET", `/user/job`, { "state": args.state?.join(","), "limit": args.limit, "before": args.before, "name": args.name, "since": args.since, "array": args.array, "task": args.task }, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<Job>;
  return fail(response);
}

/**
 * POST /user/job: Submit a new job script
 *
 * Submit a job script with `#SWM` directives, and optionally its input files. The answer is
 * the new job's ID as plain bytes (Sky Port's shape). A script that cannot be parsed, a
 * request no site can satisfy, or files over the size limit are refused with 400 or 413 and
 * nothing is stored.
 *
 * A script with an `array` directive (`#SWM array 1-100%10`, or `#SBATCH --array`) submits
 * a job array: one job per task, all stored at once, at most 10,000 tasks (a 400 beyond).
 * The answer is then the array's ID, and `Location` lists its tasks (`?array=`).
 *
 * @param args.scriptContent The job script.
 * @param args.inputFiles Input files, staged into the job's work directory under their file names.
 * @param args.path Path of a job script on the daemon's host, instead of uploading it (daemon owner only).
 *
 * @returns 200: The job was accepted; the body is its ID (an array's ID for a job array).
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function submitJob(client: Client, args: { scriptContent?: Blob; inputFiles?: Array<[string, Blob]>; path?: string; } = {}): Promise<Blob> {
  const response = await client.request("POST", `/user/job`, { "path": args.path }, {}, { form: [["script_content", args.scriptContent, "script_content"] as const, ...(args.inputFiles ?? []).map(([name, file]) => ["input_files", file, name] as const)] });
  if (response.status === 200) return await response.blob();
  return fail(response);
}

/**
 * GET /user/job/{jobId}: Find job by ID
 *
 * @param args.jobId Job ID.
 *
 * @returns 200: The job.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function getJob(client: Client, args: { jobId: string; }): Promise<Job> {
  const response = await client.request("GET", `/user/job/${encodeURIComponent(String(args.jobId))}`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Job;
  return fail(response);
}

/**
 * DELETE /user/job/{jobId}: Cancel a job
 *
 * Cancel a queued, waiting or running job; it ends in state C. A job that already ended is a 409.
 * Given a job array's ID, cancel all its tasks not yet ended (a 409 when all of them ended).
 *
 * @param args.jobId Job ID.
 *
 * @returns 200: The job is cancelled; the body says so in words.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function cancelJob(client: Client, args: { jobId: string; }): Promise<Blob> {
  const response = await client.request("DELETE", `/user/job/${encodeURIComponent(String(args.jobId))}`, {}, {}, undefined);
  if (response.status === 200) return await response.blob();
  return fail(response);
}

/**
 * PATCH /user/job/{jobId}: Update a job
 *
 * Change a job. The only modification is `requeue`: a job that ended (F, E or C) goes back
 * to Q with its script and input files, and its earlier outputs are dropped.
 *
 * @param args.jobId Job ID.
 * @param args.modification What to change; `requeue`.
 *
 * @returns 200: Done; the body says what changed.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function modifyJob(client: Client, args: { jobId: string; modification: ModifyJobModification; }): Promise<Blob> {
  const response = await client.request("PATCH", `/user/job/${encodeURIComponent(String(args.jobId))}`, {}, { "modification": args.modification }, undefined);
  if (response.status === 200) return await response.blob();
  return fail(response);
}

/**
 * GET /user/job/{jobId}/stdout: Job stdout
 *
 * What the job wrote to standard output so far, from `offset` on.
 *
 * @param args.jobId Job ID.
 * @param args.offset Skip this many bytes from the start; an offset at or past the end gives nothing.
 *
 * @returns 200: Standard output.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function jobStdout(client: Client, args: { jobId: string; offset?: number; }): Promise<Blob> {
  const response = await client.request("GET", `/user/job/${encodeURIComponent(String(args.jobId))}/stdout`, { "offset": args.offset }, {}, undefined);
  if (response.status === 200) return await response.blob();
  return fail(response);
}

/**
 * GET /user/job/{jobId}/stderr: Job stderr
 *
 * What the job wrote to standard error so far, from `offset` on.
 *
 * @param args.jobId Job ID.
 * @param args.offset Skip this many bytes from the start; an offset at or past the end gives nothing.
 *
 * @returns 200: Standard error.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function jobStderr(client: Client, args: { jobId: string; offset?: number; }): Promise<Blob> {
  const response = await client.request("GET", `/user/job/${encodeURIComponent(String(args.jobId))}/stderr`, { "offset": args.offset }, {}, undefined);
  if (response.status === 200) return await response.blob();
  return fail(response);
}

/**
 * GET /user/job/{jobId}/files: List a job's files
 *
 * The job's input files and the output files staged back after it ended.
 *
 * @param args.jobId Job ID.
 *
 * @returns 200: The files.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function listJobFiles(client: Client, args: { jobId: string; }): Promise<Array<FileInfo>> {
  const response = await client.request("GET", `/user/job/${encodeURIComponent(String(args.jobId))}/files`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<FileInfo>;
  return fail(response);
}

/**
 * GET /user/job/{jobId}/files/{name}: Download one of a job's files
 *
 * An output file when the job produced one of that name, otherwise the input file.
 *
 * @param args.jobId Job ID.
 * @param args.name File name as listed by list_job_files: 1 to 255 bytes of UTF-8, without "/", "\" or control
 * characters.
 *
 * @returns 200: The file's bytes.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function downloadJobFile(client: Client, args: { jobId: string; name: string; }): Promise<Blob> {
  const response = await client.request("GET", `/user/job/${encodeURIComponent(String(args.jobId))}/files/${encodeURIComponent(String(args.name))}`, {}, {}, undefined);
  if (response.status === 200) return await response.blob();
  return fail(response);
}

/**
 * POST /user/dry-run: What the scheduler would do with a job script now, storing nothing
 *
 * The same request as submitting a job (the same checks and refusals), but nothing is stored
 * and nothing starts: the answer says where and when the job would start, its worst-case
 * cost, the budgets it would draw on, and the flavors that could run it, cheapest first.
 *
 * @param args.scriptContent The job script.
 * @param args.inputFiles Input files, checked as at submit.
 *
 * @returns 200: The plan for the job.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function dryRun(client: Client, args: { scriptContent?: Blob; inputFiles?: Array<[string, Blob]>; } = {}): Promise<DryRun> {
  const response = await client.request("POST", `/user/dry-run`, {}, {}, { form: [["script_content", args.scriptContent, "script_content"] as const, ...(args.inputFiles ?? []).map(([name, file]) => ["input_files", file, name] as const)] });
  if (response.status === 200) return (await response.json()) as DryRun;
  return fail(response);
}

/**
 * GET /user/account: List accounts
 *
 * Every account for the daemon's owner; for anyone else, the accounts they may charge.
 *
 * @returns 200: The accounts, by name.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function listAccounts(client: Client): Promise<Array<Account>> {
  const response = await client.request("GET", `/user/account`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<Account>;
  return fail(response);
}

/**
 * POST /user/account: Add an account (daemon owner only)
 *
 * @param args.body Request body.
 *
 * @returns 201: The account was added.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function addAccount(client: Client, args: { body: Account; }): Promise<Account> {
  const response = await client.request("POST", `/user/account`, {}, {}, { json: args.body });
  if (response.status === 201) return (await response.json()) as Account;
  return fail(response);
}

/**
 * DELETE /user/account/{name}: Remove an account and its budgets (daemon owner only)
 *
 * Jobs charged to it keep its name in their records.
 *
 * @param args.name An account's (or, for budgets, a user's) name.
 *
 * @returns 200: The account that was removed.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function removeAccount(client: Client, args: { name: string; }): Promise<Account> {
  const response = await client.request("DELETE", `/user/account/${encodeURIComponent(String(args.name))}`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Account;
  return fail(response);
}

/**
 * PATCH /user/account/{name}: Change an account's members or default ceiling (daemon owner only)
 *
 * @param args.name An account's (or, for budgets, a user's) name.
 * @param args.body Request body.
 *
 * @returns 200: The account as it is now.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function changeAccount(client: Client, args: { name: string; body: AccountChange; }): Promise<Account> {
  const response = await client.request("PATCH", `/user/account/${encodeURIComponent(String(args.name))}`, {}, {}, { json: args.body });
  if (response.status === 200) return (await response.json()) as Account;
  return fail(response);
}

/**
 * GET /user/budget: List budgets and what was spent of them
 *
 * Every budget for the daemon's owner; for anyone else, their own and those of the accounts they may charge.
 *
 * @returns 200: The budgets with their spend in the current period.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function listBudgets(client: Client): Promise<Array<Budget>> {
  const response = await client.request("GET", `/user/budget`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<Budget>;
  return fail(response);
}

/**
 * PUT /user/budget/{holder}/{name}/{period}: Set or remove a budget (daemon owner only)
 *
 * @param args.holder Whose budget, an account's or a user's.
 * @param args.name An account's (or, for budgets, a user's) name.
 * @param args.period How often the budget starts again (UTC): day, week (from Monday), month (from the 1st), or total.
 * @param args.body Request body.
 *
 * @returns 200: The budget as it is now, with its spend.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function setBudget(client: Client, args: { holder: SetBudgetHolder; name: string; period: Period; body: BudgetAmount; }): Promise<Budget> {
  const response = await client.request("PUT", `/user/budget/${encodeURIComponent(String(args.holder))}/${encodeURIComponent(String(args.name))}/${encodeURIComponent(String(args.period))}`, {}, {}, { json: args.body });
  if (response.status === 200) return (await response.json()) as Budget;
  return fail(response);
}

/**
 * GET /user/usage: Ended jobs with what they used and cost
 *
 * Jobs that ended in [since, until), the latest ended first, a page at a time (`Link rel="next"`
 * as in the job listing). A user sees their own jobs; the daemon's owner everyone's, or those of `user`.
 *
 * @param args.since Only jobs that ended at this time or later (default the start of time).
 * @param args.until Only jobs that ended before this time (default now).
 * @param args.user Only jobs of these users (others than yourself for the daemon's owner only); at most 50, so
 * the request line stays within what the daemon reads (16 KiB).
 *
 * @param args.account Only jobs charged to this account.
 * @param args.limit At most this many jobs.
 * @param args.before Only jobs listed after this one (the ID of the last job of the previous page).
 *
 * @returns 200: The ended jobs.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function listUsage(client: Client, args: { since?: string; until?: string; user?: Array<string>; account?: string; limit?: number; before?: string; } = {}): Promise<Array<UsageRecord>> {
  const response = await client.request("GET", `/user/usage`, { "since": args.since, "until": args.until, "user": args.user?.join(","), "account": args.account, "limit": args.limit, "before": args.before }, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<UsageRecord>;
  return fail(response);
}

/**
 * GET /user/usage/totals: Totals of ended jobs per user, account, site or day
 *
 * One total per key of `by`; with `split`, one per key of `by` and key of `split` (the spend
 * of each site on each day: `by=day&split=site`). A user sees their own jobs; the daemon's
 * owner everyone's, or those of `user`. At most 10,000 totals: more is a 400 (ask for a
 * shorter time, or one user or account).
 *
 * @param args.by What to total by (days in UTC).
 * @param args.split Split each total by this too (another key than `by`); each total then names it in `split_key`.
 * @param args.since Only jobs that ended at this time or later (default the start of time).
 * @param args.until Only jobs that ended before this time (default now).
 * @param args.user Only jobs of these users (others than yourself for the daemon's owner only); at most 50, so
 * the request line stays within what the daemon reads (16 KiB).
 *
 * @param args.account Only jobs charged to this account.
 *
 * @returns 200: One total per key, by key.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function usageTotals(client: Client, args: { by: UsageTotalsBy; split?: UsageTotalsSplit; since?: string; until?: string; user?: Array<string>; account?: string; }): Promise<Array<UsageTotal>> {
  const response = await client.request("GET", `/user/usage/totals`, { "by": args.by, "split": args.split, "since": args.since, "until": args.until, "user": args.user?.join(","), "account": args.account }, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<UsageTotal>;
  return fail(response);
}

/**
 * GET /user/token: List your API tokens
 *
 * Your tokens, oldest first, with their names and times; never a token itself.
 *
 * @returns 200: Your tokens.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function listTokens(client: Client): Promise<Array<ApiToken>> {
  const response = await client.request("GET", `/user/token`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<ApiToken>;
  return fail(response);
}

/**
 * POST /user/token: Create an API token (with your user certificate only)
 *
 * A new token of the user whose certificate makes the request. The answer is the only place
 * the token is ever shown: the daemon keeps only its SHA-256. A token or a delegate's
 * certificate cannot create tokens (403); a user has at most 100 (409).
 *
 * @param args.body Request body.
 *
 * @returns 201: The token, shown this once.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function createToken(client: Client, args: { body: TokenRequest; }): Promise<NewApiToken> {
  const response = await client.request("POST", `/user/token`, {}, {}, { json: args.body });
  if (response.status === 201) return (await response.json()) as NewApiToken;
  return fail(response);
}

/**
 * DELETE /user/token/{token}: Revoke one of your API tokens
 *
 * The token is refused from the next request on.
 *
 * @param args.token The ID or the name of one of your tokens.
 *
 * @returns 200: The token that was revoked.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function revokeToken(client: Client, args: { token: string; }): Promise<ApiToken> {
  const response = await client.request("DELETE", `/user/token/${encodeURIComponent(String(args.token))}`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as ApiToken;
  return fail(response);
}

/**
 * POST /user/ui/code: Create a one-time login code of the web dashboard (with your user certificate only)
 *
 * A code that logs one browser in to the dashboard (`skyport ui`) as the user whose
 * certificate makes the request: opening `path` on the daemon within 60 seconds exchanges it,
 * once, for a session cookie (HttpOnly, Secure, SameSite=Strict, 12 hours from the login,
 * not extended by use). The daemon keeps codes and sessions in memory only, by SHA-256; a
 * restart ends every session. A token, a delegate's certificate or a dashboard session
 * cannot create codes (403).
 *
 * @returns 201: The code, and the path on the daemon that exchanges it.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function createLoginCode(client: Client): Promise<LoginCode> {
  const response = await client.request("POST", `/user/ui/code`, {}, {}, undefined);
  if (response.status === 201) return (await response.json()) as LoginCode;
  return fail(response);
}

/**
 * GET /metrics: Prometheus metrics of the daemon (daemon owner only)
 *
 * Jobs by state and site, submissions, queue wait and run time, scheduling pass and plan
 * durations, gate request latency and errors, partitions and nodes, spend by site and
 * account, and store latency, in Prometheus' text format (docs/operations.md lists them).
 * Only the daemon's owner may read them, as they include every account's spend; with
 * `metrics_listen` in config.yaml the daemon also serves them over plain HTTP on a
 * loopback address, for a Prometheus on the same machine.
 *
 * @returns 200: The metrics in Prometheus' text exposition format 0.0.4.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function getMetrics(client: Client): Promise<string> {
  const response = await client.request("GET", `/metrics`, {}, {}, undefined);
  if (response.status === 200) return await response.text();
  return fail(response);
}

/**
 * GET /user/events: Job events as they happen
 *
 * The caller's job events as Server-Sent Events (`text/event-stream`): each job's submission and
 * every change of its state with the reason, where it was placed, what its run cost and which
 * outputs came back. Each event's `data` is one JobEvent as JSON and its `id` the event's ID;
 * IDs increase. The stream starts after the event named by `Last-Event-ID` (the header a
 * browser's EventSource sends when it reconnects) or `after`; without either, with the last
 * `tail` stored events. The stream begins with `retry:` and an `id:` line naming where it
 * starts, so a client cut off before any event resumes there. Events are read from the
 * daemon's store, so a client that reconnects after a daemon restart misses none; the
 * generated clients reconnect by themselves. A stream that sent everything it was asked for
 * (`follow=false`) ends with an event of type `end`: do not reconnect then. A stream ends
 * without it when the daemon stops, and when the certificate, token or dashboard session that
 * opened it is revoked or expires. An idle stream gets a comment line every 15 seconds
 * (event_heartbeat), so proxies keep it open. A user may have max_event_streams (8) streams
 * open at once: one more is a 429.
 *
 * @param args.job Only the events of this job (a 404 when it is not one of yours).
 * @param args.allUsers Everyone's job events (the daemon's owner only; others get a 403).
 * @param args.follow Keep the stream open and send events as they happen; false ends it after the stored ones.
 * @param args.tail Without Last-Event-ID or `after`, start with the last this many stored events (0 - only new ones).
 * @param args.after Start after the event of this ID (0 - with the first stored event); for clients that cannot send
 * Last-Event-ID.
 * @param args.lastEventId Start after the event of this ID (digits, as the stream's `id:` lines give it); wins over
 * `after`.
 * @param retries Tries in a row to reopen the stream after it was cut (a dropped connection, a server restart), each
 * after the last event delivered (Last-Event-ID) and a longer wait; 0: never.
 *
 * @returns 200: The events, one Server-Sent Event each.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function* streamEvents(client: Client, args: { job?: string; allUsers?: boolean; follow?: boolean; tail?: number; after?: number; lastEventId?: string; } = {}, retries = STREAM_RETRIES): AsyncGenerator<JobEvent> {
  const open = async (lastEventId: string | undefined): Promise<Response> => {
    const headers = { ...{ "Last-Event-ID": args.lastEventId }, ...(lastEventId === undefined ? {} : { "Last-Event-ID": lastEventId }) };
    const response = await client.request("GET", `/user/events`, { "job": args.job, "all_users": args.allUsers, "follow": args.follow, "tail": args.tail, "after": args.after }, headers, undefined);
    return response.status === 200 ? response : fail(response);
  };
  for await (const event of reconnecting(open, retries)) yield JSON.parse(event.data) as JobEvent;
}
