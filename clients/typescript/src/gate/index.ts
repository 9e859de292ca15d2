// Generated from spec/core-gate.yaml by `skyport codegen` (template typescript_client/index.ts.jinja).
// Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
// Generated, do not edit: change the spec or the template, then run `skyport codegen`.
/**
 * Skyport gate API
 *
 * The API every gate serves for one remote site. The core is the only client.
 *
 * A gate owns one kind of remote site (the local machine, an AWS account, a Slurm cluster).
 * It offers flavors and images, creates and deletes *partitions* (sets of nodes of one flavor),
 * runs *jobs* on a partition, and holds each job's files: inputs the core uploads before the
 * job starts and outputs the core downloads after it ends.
 *
 * Rules every gate follows:
 * - The core chooses every ID (partitions and jobs). Creating something that already exists
 *   with the same ID returns it with 200 instead of 201, so every call can be repeated safely.
 * - No secret crosses this API. A gate holds its own cloud or cluster credentials.
 * - State words are the ones below; a gate maps its backend's states onto them.
 */

/**
 * Whether the file was uploaded with the job or produced by it.
 */
export type FileInfoKind = "input" | "output";

/**
 * pending: accepted, not running yet; running; finished: exited (exitcode says how);
 * failed: could not run or was lost (state_details says why); cancelled.
 *
 */
export type GateJobState = "pending" | "running" | "finished" | "failed" | "cancelled";

/**
 * Always "output".
 */
export type OutputFileKind = "output";

/**
 * creating: nodes are being acquired; ready: jobs can start; deleting: nodes are being
 * released; deleted: nothing is left that costs money; failed: creation failed for good
 * (state_details says why). A gate that is temporarily refused (capacity, quota,
 * throttling) keeps `creating` and says so in state_details.
 *
 */
export type PartitionState = "creating" | "ready" | "deleting" | "deleted" | "failed";

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
 * The GateJob schema.
 */
export interface GateJob {
  /** An ID chosen by the core; letters, digits, "-" and "_". */
  id: string;
  /** An ID chosen by the core; letters, digits, "-" and "_". */
  partition_id?: string;
  /** pending: accepted, not running yet; running; finished: exited (exitcode says how); failed: could not run or was lost (state_details says why); cancelled.  */
  state: GateJobState;
  /** Why the job is in its state. */
  state_details?: string;
  /** Exit status when the job exited by itself. */
  exitcode?: number;
  /** Signal number when the job was killed by a signal. */
  signal?: number;
  /** Nodes the job runs or ran on. */
  node_names?: Array<string>;
  /** IP addresses of those nodes, when known. */
  node_ips?: Array<string>;
  /** When the job started running. */
  started_at?: string;
  /** When the job ended. */
  ended_at?: string;
  /** Bytes the job wrote to its standard output so far, when the gate knows. Optional; the core does not ask for a log the gate says is empty.  */
  stdout_size?: number;
  /** Bytes the job wrote to its standard error so far, when the gate knows; as stdout_size. */
  stderr_size?: number;
  /** Largest resident memory of the job in bytes, once it has ended, when the gate measured it (the local gate: the peak of the job's cgroup, or of its process tree; the Slurm gate: sacct's MaxRSS where the cluster records it). Optional; absent means unknown.  */
  max_rss?: number;
}

/**
 * The GateNode schema.
 */
export interface GateNode {
  /** Node name (host name, instance ID). */
  name: string;
  /** Private IP address, when known. */
  ip?: string;
  /** The backend's own word for the node's state. */
  state?: string;
}

/**
 * The GateUser schema.
 */
export interface GateUser {
  /** The Skyport user name asked about. */
  name: string;
  /** The account the user's jobs run as on this site. */
  run_as: string;
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
 * The JobStart schema.
 */
export interface JobStart {
  /** An ID chosen by the core; letters, digits, "-" and "_". */
  id: string;
  /** An ID chosen by the core; letters, digits, "-" and "_". */
  partition_id: string;
  /** The job script; run with its shebang, /bin/sh when it has none. */
  script: string;
  /** Job name, for the backend's own listings. */
  name?: string;
  /** The Skyport user the job belongs to; a gate that runs jobs as their users' accounts maps it to one. */
  owner?: string;
  /** Extra environment variables for the script. */
  env?: Record<string, string>;
  /** CPUs per node. */
  cpus?: number;
  /** Memory per node in MiB; 0 means no limit. */
  mem?: number;
  /** GPUs per node. */
  gpus?: number;
  /** Disk per node in MiB the job needs (`#SWM storage`); 0 means none. A gate that cannot give it refuses the job (409) or ends it failed, saying how much there is.  */
  storage?: number;
  /** Number of nodes of the partition to run on. */
  nodes?: number;
  /** Seconds after which the job is killed; 0 means no limit. */
  time_limit?: number;
  /** Files of the work directory to keep as outputs when the job ends. */
  outputs?: Array<string>;
  /** The container image the job must run in. A gate runs it with its container runtime, or on its own system when its settings say so for this image; otherwise it refuses the job with a 400 naming the image. Absent: the job runs on the site's own system.  */
  image?: string;
  /** Absolute paths where the job sees empty folders of its own while it runs (TES volumes); a gate that cannot provide one refuses the job with a 400 naming it.  */
  volumes?: Array<string>;
}

/**
 * One declared output of an ended job, offered for download or refused.
 */
export interface OutputFile {
  /** File name, relative to the job's work directory. */
  name: string;
  /** Size in bytes (0 for a refused output). */
  size: number;
  /** Always "output". */
  kind?: OutputFileKind;
  /** Why the gate does not hand this file out, e.g. "it is a symbolic link"; absent for a file that can be downloaded.  */
  refused?: string;
}

/**
 * The Partition schema.
 */
export interface Partition {
  /** An ID chosen by the core; letters, digits, "-" and "_". */
  id: string;
  /** creating: nodes are being acquired; ready: jobs can start; deleting: nodes are being released; deleted: nothing is left that costs money; failed: creation failed for good (state_details says why). A gate that is temporarily refused (capacity, quota, throttling) keeps `creating` and says so in state_details.  */
  state: PartitionState;
  /** Why the partition is in its state, in words a user can act on. */
  state_details?: string;
  /** Flavor name of its nodes. */
  flavor?: string;
  /** Image its nodes boot. */
  image?: string;
  /** Number of nodes requested. */
  count?: number;
  /** User the partition was created for. */
  owner?: string;
  /** Nodes acquired so far. */
  nodes?: Array<GateNode>;
  /** When creation was asked for. */
  created_at?: string;
}

/**
 * The PartitionRequest schema.
 */
export interface PartitionRequest {
  /** An ID chosen by the core; letters, digits, "-" and "_". */
  id: string;
  /** Name of one of the site's flavors. */
  flavor: string;
  /** Number of nodes. */
  count: number;
  /** Name of one of the site's images; the site's default when absent. */
  image?: string;
  /** User the partition is created for, recorded as a tag where the site has tags. */
  owner?: string;
  /** Use spot (interruptible) capacity where the site offers it. */
  spot?: boolean;
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
 * An amount of one resource, such as cpus=4 or mem=2048 (MiB).
 */
export interface Resource {
  /** Resource name (cpus, mem, gpus, nodes, storage, time). */
  name: string;
  /** How many; mem and storage are in MiB, time in seconds. */
  count?: number;
}

/**
 * The Site schema.
 */
export interface Site {
  /** Gate kind (local, aws, slurm, or a third party's). */
  kind: string;
  /** Site name from the gate's settings. */
  name: string;
  /** Most nodes this site will run at once (quota); absent means no limit. */
  max_nodes?: number;
  /** Whether partitions can be created on spot (interruptible) capacity. */
  spot?: boolean;
  /** Seconds between the core's polls of list_jobs and list_partitions while this site has work. A local gate answers in microseconds and says 0.02; a cloud gate, whose every poll costs API calls, says 5 or more.  */
  poll_interval?: number;
  /** Seconds a new partition typically takes to become ready; the scheduler plans with it. */
  boot_time?: number;
  /** Whether each partition runs exactly one job and is spent afterwards (an EC2 instance that powers off when its job ends). The core then never places a second job on it.  */
  single_job?: boolean;
  /** Version of the gate software. */
  version?: string;
  /** The optional batch operations this gate serves, by operationId: start_jobs and delete_jobs_files. The core calls one only when it is listed here, and otherwise makes one call per job, so a gate without them keeps working.  */
  batch?: Array<string>;
  /** How the site keeps a job from other jobs, the gate and the machine. */
  isolation?: Isolation;
}

/**
 * What start_job would have answered for one job of a start_jobs call.
 */
export interface StartAnswer {
  /** An ID chosen by the core; letters, digits, "-" and "_". */
  id: string;
  /** 201 started, 200 already started, or the status of the refusal. */
  status: number;
  /** The job. */
  job?: GateJob;
  /** What went wrong and what to change, as RFC 9457 problem details. */
  problem?: Problem;
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

/**
 * GET /site: Describe the remote site
 *
 * The kind, name and limits of the remote site this gate serves.
 *
 * @returns 200: The site.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function getSite(client: Client): Promise<Site> {
  const response = await client.request("GET", `/site`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Site;
  return fail(response);
}

/**
 * GET /users/{name}: Whether the site can run a user's jobs
 *
 * The account the user's jobs run as on this site. The core asks at submit and refuses a job
 * that no allowed site can run. A site that runs every job under its own account answers
 * 200 for every name; 404 says why the user's jobs cannot run here and what to fix.
 *
 * @param args.name A Skyport user name.
 *
 * @returns 200: The user's jobs can run here.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function getUser(client: Client, args: { name: string; }): Promise<GateUser> {
  const response = await client.request("GET", `/users/${encodeURIComponent(String(args.name))}`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as GateUser;
  return fail(response);
}

/**
 * GET /flavors: List flavors
 *
 * The node shapes this site can create partitions of, with prices.
 *
 * @returns 200: The flavors.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function listFlavors(client: Client): Promise<Array<Flavor>> {
  const response = await client.request("GET", `/flavors`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<Flavor>;
  return fail(response);
}

/**
 * GET /images: List images
 *
 * The images nodes of this site can boot or jobs can run in.
 *
 * @returns 200: The images.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function listImages(client: Client): Promise<Array<Image>> {
  const response = await client.request("GET", `/images`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<Image>;
  return fail(response);
}

/**
 * GET /partitions: List partitions
 *
 * Every partition this gate created and has not yet forgotten, deleted ones included.
 *
 * @returns 200: The partitions.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function listPartitions(client: Client): Promise<Array<Partition>> {
  const response = await client.request("GET", `/partitions`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<Partition>;
  return fail(response);
}

/**
 * POST /partitions: Create a partition
 *
 * Start creating `count` nodes of `flavor` booting `image`. Returns at once with state
 * `creating` (or `ready` when the site has nothing to wait for); poll `get_partition`.
 * Repeating the call with the same ID returns the existing partition with 200.
 *
 * @param args.body Request body.
 *
 * @returns 201: Creation started.; 200: A partition with this ID already exists.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function createPartition(client: Client, args: { body: PartitionRequest; }): Promise<Partition> {
  const response = await client.request("POST", `/partitions`, {}, {}, { json: args.body });
  if (response.status === 201) return (await response.json()) as Partition;
  if (response.status === 200) return (await response.json()) as Partition;
  return fail(response);
}

/**
 * GET /partitions/{partition_id}: Get a partition
 *
 * The partition's state and nodes.
 *
 * @param args.partitionId Partition ID, chosen by the core.
 *
 * @returns 200: The partition.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function getPartition(client: Client, args: { partitionId: string; }): Promise<Partition> {
  const response = await client.request("GET", `/partitions/${encodeURIComponent(String(args.partitionId))}`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Partition;
  return fail(response);
}

/**
 * DELETE /partitions/{partition_id}: Delete a partition
 *
 * Release the partition's nodes (terminate instances, end reservations), cancelling any job
 * still on it. Returns at once with state `deleting` or `deleted`. Deleting an unknown or
 * already deleted partition is not an error: it answers 200 with state `deleted`.
 *
 * @param args.partitionId Partition ID, chosen by the core.
 *
 * @returns 200: The partition, being deleted or deleted.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function deletePartition(client: Client, args: { partitionId: string; }): Promise<Partition> {
  const response = await client.request("DELETE", `/partitions/${encodeURIComponent(String(args.partitionId))}`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Partition;
  return fail(response);
}

/**
 * GET /jobs: List jobs
 *
 * Every job the gate knows and has not forgotten (see delete_job_files), so the core
 * learns the state of all its jobs on a site with one call.
 *
 * @param args.partitionId Only jobs on this partition.
 *
 * @returns 200: The jobs.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function listJobs(client: Client, args: { partitionId?: string; } = {}): Promise<Array<GateJob>> {
  const response = await client.request("GET", `/jobs`, { "partition_id": args.partitionId }, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<GateJob>;
  return fail(response);
}

/**
 * POST /jobs: Start a job on a partition
 *
 * Run the job's script on nodes of a ready partition, in a work directory holding the
 * job's uploaded inputs. Repeating the call with the same ID returns the existing job
 * with 200 and starts nothing.
 *
 * @param args.body Request body.
 *
 * @returns 201: The job was started.; 200: A job with this ID already exists.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function startJob(client: Client, args: { body: JobStart; }): Promise<GateJob> {
  const response = await client.request("POST", `/jobs`, {}, {}, { json: args.body });
  if (response.status === 201) return (await response.json()) as GateJob;
  if (response.status === 200) return (await response.json()) as GateJob;
  return fail(response);
}

/**
 * GET /jobs/{job_id}: Get a job's state
 *
 * @param args.jobId Job ID, chosen by the core.
 *
 * @returns 200: The job.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function getJob(client: Client, args: { jobId: string; }): Promise<GateJob> {
  const response = await client.request("GET", `/jobs/${encodeURIComponent(String(args.jobId))}`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as GateJob;
  return fail(response);
}

/**
 * DELETE /jobs/{job_id}: Cancel a job
 *
 * Stop the job and everything it started. Cancelling a job that already ended changes
 * nothing and answers 200 with its final state.
 *
 * @param args.jobId Job ID, chosen by the core.
 *
 * @returns 200: The job, cancelled or already ended.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function cancelJob(client: Client, args: { jobId: string; }): Promise<GateJob> {
  const response = await client.request("DELETE", `/jobs/${encodeURIComponent(String(args.jobId))}`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as GateJob;
  return fail(response);
}

/**
 * GET /jobs/{job_id}/stdout: Read a job's standard output
 *
 * The bytes written so far, from `offset` on (at most `length` of them).
 *
 * @param args.jobId Job ID, chosen by the core.
 * @param args.offset Skip this many bytes from the start; an offset at or past the end gives nothing.
 * @param args.length Answer at most this many bytes, 1 to 67108864 (64 MiB); everything from `offset` on when
 * absent. The core copies an ended job's logs back range by range.
 *
 * @returns 200: Standard output.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function jobStdout(client: Client, args: { jobId: string; offset?: number; length?: number; }): Promise<Blob> {
  const response = await client.request("GET", `/jobs/${encodeURIComponent(String(args.jobId))}/stdout`, { "offset": args.offset, "length": args.length }, {}, undefined);
  if (response.status === 200) return await response.blob();
  return fail(response);
}

/**
 * GET /jobs/{job_id}/stderr: Read a job's standard error
 *
 * The bytes written so far, from `offset` on (at most `length` of them).
 *
 * @param args.jobId Job ID, chosen by the core.
 * @param args.offset Skip this many bytes from the start; an offset at or past the end gives nothing.
 * @param args.length Answer at most this many bytes, 1 to 67108864 (64 MiB); everything from `offset` on when
 * absent. The core copies an ended job's logs back range by range.
 *
 * @returns 200: Standard error.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function jobStderr(client: Client, args: { jobId: string; offset?: number; length?: number; }): Promise<Blob> {
  const response = await client.request("GET", `/jobs/${encodeURIComponent(String(args.jobId))}/stderr`, { "offset": args.offset, "length": args.length }, {}, undefined);
  if (response.status === 200) return await response.blob();
  return fail(response);
}

/**
 * POST /batch/start-jobs: Start several jobs (optional)
 *
 * start_job for each job of the list, in its order, in one call. Optional (`x-optional`):
 * a gate that serves it lists start_jobs in its site's `batch`; one that does not answers
 * 501. The answer has one entry per job, in the same order, with what start_job would have
 * answered: the status (201, 200, or the 4xx of a refusal) and the job, or the problem. A
 * job refused does not stop the others.
 *
 * @param args.body Request body.
 *
 * @returns 200: One answer per job, in the order asked.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function startJobs(client: Client, args: { body: Array<JobStart>; }): Promise<Array<StartAnswer>> {
  const response = await client.request("POST", `/batch/start-jobs`, {}, {}, { json: args.body });
  if (response.status === 200) return (await response.json()) as Array<StartAnswer>;
  return fail(response);
}

/**
 * PUT /jobs/{job_id}/inputs/{name}: Upload an input file
 *
 * Store one input file for a job that has not started yet. Uploading the same name again
 * replaces it.
 *
 * @param args.jobId Job ID, chosen by the core.
 * @param args.name File name, relative to the job's work directory, without directories.
 * @param args.body Request body.
 *
 * @returns 200: Stored.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function uploadInput(client: Client, args: { jobId: string; name: string; body: Blob; }): Promise<FileInfo> {
  const response = await client.request("PUT", `/jobs/${encodeURIComponent(String(args.jobId))}/inputs/${encodeURIComponent(String(args.name))}`, {}, {}, { bytes: args.body });
  if (response.status === 200) return (await response.json()) as FileInfo;
  return fail(response);
}

/**
 * GET /jobs/{job_id}/outputs: List a job's output files
 *
 * The declared outputs that the job left in its work directory, once it has ended. A
 * declared name the job did not write is not listed. Only a regular file in the work
 * directory itself is handed out, read without following links: an output that is a
 * symbolic link, a FIFO, a device, a socket or a directory is listed with `refused` saying
 * why (and size 0), and download_output answers 404 for it.
 *
 * @param args.jobId Job ID, chosen by the core.
 *
 * @returns 200: The output files.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function listOutputs(client: Client, args: { jobId: string; }): Promise<Array<OutputFile>> {
  const response = await client.request("GET", `/jobs/${encodeURIComponent(String(args.jobId))}/outputs`, {}, {}, undefined);
  if (response.status === 200) return (await response.json()) as Array<OutputFile>;
  return fail(response);
}

/**
 * GET /jobs/{job_id}/outputs/{name}: Download a range of an output file
 *
 * At most `length` bytes of a listed, not refused output, from `offset` on. An answer
 * shorter than `length` ends the file; an `offset` at or past the end answers an empty
 * body (200, not 416). The core fetches a file range by range, so neither side ever holds
 * more than one range in memory; a gate reads the range from the file, never the whole file.
 *
 * @param args.jobId Job ID, chosen by the core.
 * @param args.name File name, relative to the job's work directory, without directories.
 * @param args.offset Skip this many bytes from the start; an offset at or past the end gives nothing.
 * @param args.length Answer at most this many bytes, 1 to 67108864 (64 MiB); 8388608 (8 MiB) when absent.
 *
 * @returns 200: The file's bytes in the range asked for.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function downloadOutput(client: Client, args: { jobId: string; name: string; offset?: number; length?: number; }): Promise<Blob> {
  const response = await client.request("GET", `/jobs/${encodeURIComponent(String(args.jobId))}/outputs/${encodeURIComponent(String(args.name))}`, { "offset": args.offset, "length": args.length }, {}, undefined);
  if (response.status === 200) return await response.blob();
  return fail(response);
}

/**
 * DELETE /jobs/{job_id}/files: Forget a job
 *
 * Delete the job's inputs, outputs, logs and work area once the core has fetched what it
 * needs. Deleting twice is not an error.
 *
 * @param args.jobId Job ID, chosen by the core.
 *
 * @returns 204: Deleted.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function deleteJobFiles(client: Client, args: { jobId: string; }): Promise<void> {
  const response = await client.request("DELETE", `/jobs/${encodeURIComponent(String(args.jobId))}/files`, {}, {}, undefined);
  if (response.status === 204) return undefined;
  return fail(response);
}

/**
 * POST /batch/delete-job-files: Forget several jobs (optional)
 *
 * delete_job_files for each job ID of the list, in one call. Optional, as start_jobs (listed
 * in the site's `batch` when served). Deleting twice, or an unknown job, is not an error.
 *
 * @param args.body Request body.
 *
 * @returns 204: Deleted.
 *
 * @throws ApiError when the server answers with an error (problem+json).
 */
export async function deleteJobsFiles(client: Client, args: { body: Array<string>; }): Promise<void> {
  const response = await client.request("POST", `/batch/delete-job-files`, {}, {}, { json: args.body });
  if (response.status === 204) return undefined;
  return fail(response);
}
